class AssessmentError(Exception):
    """A refusal with a message for the person who asked."""

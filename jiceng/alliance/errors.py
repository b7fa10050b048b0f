class AllianceError(Exception):
    """A write of the alliance was refused; the message says what went wrong and what to do."""

class ActivityError(Exception):
    """A write of an activity was refused; the message says what went wrong and what to do."""

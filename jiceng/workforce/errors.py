class WorkforceError(Exception):
    """A write of the career system was refused; the message says what went wrong and what to do."""

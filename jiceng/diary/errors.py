class DiaryError(Exception):
    """A diary entry was refused; the message says what went wrong and what to do."""

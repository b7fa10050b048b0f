class LinkageError(Exception):
    """A write of the linkage app was refused; the message says what went wrong and what to do."""

class CharterError(Exception):
    """A charter version the rules refuse; the message says why, in plain Chinese."""

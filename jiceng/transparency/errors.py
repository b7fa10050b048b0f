"""The errors every part of the transparency log raises; each message says what failed."""


class VerificationError(Exception):
    """A proof, checkpoint, note or bundle did not verify; the message says why."""


class FormatError(VerificationError, ValueError):
    """Input does not follow the expected format (malformed note, checkpoint, key or bundle)."""


class SignatureError(VerificationError):
    """A note carries no valid signature by the expected key."""


class ProofError(VerificationError):
    """A Merkle proof does not lead to the signed root."""

"""Ed25519 keys, C2SP signed notes and C2SP tlog checkpoints.

A checkpoint body is ``<origin>\\n<tree size>\\n<base64 root hash>\\n`` followed by
optional non-empty extension lines. A signed note is the body, a blank line, and one
line per signature: ``— <key name> <base64(4-byte key ID || 64-byte signature)>\\n``
(the dash is U+2014). The key ID is the first four bytes of
``SHA-256(key name || 0x0A || 0x01 || public key)``. Keys are exchanged as strings:

* verifier key: ``<name>+<8 hex digit key ID>+<base64(0x01 || 32-byte public key)>``
* signer key: ``PRIVATE+KEY+<name>+<8 hex digit key ID>+<base64(0x01 || 32-byte seed)>``
"""

import base64
import binascii
import re
from collections.abc import Iterable

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from .errors import FormatError, SignatureError
from .merkle import _MAX_TREE_SIZE, HASH_SIZE, _is_hash, _is_size, _sha256

_ALG_ED25519 = 0x01
_SIG_PREFIX = "\u2014 "  # em dash and a space
_SIGNER_PREFIX = "PRIVATE+KEY+"
_MAX_SIGNATURES = 100
_HEX_ID = re.compile(r"[0-9a-fA-F]{8}")
_DECIMAL = re.compile(r"0|[1-9][0-9]*")


def _b64encode(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _b64decode(text: object, what: str) -> bytes:
    if not isinstance(text, str):
        raise FormatError(f"{what} must be a base64 string")
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise FormatError(f"{what} is not valid base64") from None
    # One encoding per value: otherwise the same signed bytes could be presented in
    # several spellings, which makes notes hard to compare.
    if _b64encode(raw) != text:
        raise FormatError(f"{what} is not canonical padded base64")
    return raw


def _check_key_name(name: object) -> str:
    if not isinstance(name, str) or not name:
        raise FormatError("key name must be a non-empty string")
    if "+" in name or any(c.isspace() or ord(c) < 0x20 for c in name):
        raise FormatError(f"key name {name!r} must not contain '+', spaces or control characters")
    return name


def _key_id(name: str, public_key: bytes) -> int:
    digest = _sha256(name.encode("utf-8") + b"\n" + bytes([_ALG_ED25519]) + public_key).digest()
    return int.from_bytes(digest[:4], "big")


def _format_keys(name: str, private: Ed25519PrivateKey) -> tuple[str, str]:
    seed = private.private_bytes_raw()
    public = private.public_key().public_bytes_raw()
    key_id = _key_id(name, public)
    signer = f"{_SIGNER_PREFIX}{name}+{key_id:08x}+{_b64encode(bytes([_ALG_ED25519]) + seed)}"
    verifier = f"{name}+{key_id:08x}+{_b64encode(bytes([_ALG_ED25519]) + public)}"
    return signer, verifier


def _split_key(text: str, kind: str) -> tuple[str, int, bytes]:
    # Split at most twice: base64 may itself contain '+', and names may not.
    parts = text.split("+", 2)
    if len(parts) != 3:
        raise FormatError(f"{kind} key must look like <name>+<8 hex digits>+<base64 key>")
    name, hex_id, encoded = parts
    _check_key_name(name)
    if not _HEX_ID.fullmatch(hex_id):
        raise FormatError(f"{kind} key ID {hex_id!r} is not 8 hex digits")
    raw = _b64decode(encoded, f"{kind} key material")
    if len(raw) != 33 or raw[0] != _ALG_ED25519:
        raise FormatError(f"{kind} key is not an Ed25519 key (type 0x01, 32 bytes)")
    return name, int(hex_id, 16), raw[1:]


def _parse_signer_key(signer_key: object) -> tuple[str, int, Ed25519PrivateKey]:
    if not isinstance(signer_key, str) or not signer_key.startswith(_SIGNER_PREFIX):
        raise FormatError(f"signer key must start with {_SIGNER_PREFIX!r}")
    name, key_id, seed = _split_key(signer_key[len(_SIGNER_PREFIX) :], "signer")
    private = Ed25519PrivateKey.from_private_bytes(seed)
    if _key_id(name, private.public_key().public_bytes_raw()) != key_id:
        raise FormatError("signer key ID does not match its name and key")
    return name, key_id, private


def _parse_verifier_key(verifier_key: object) -> tuple[str, int, Ed25519PublicKey]:
    if not isinstance(verifier_key, str):
        raise FormatError("verifier key must be a string")
    name, key_id, public = _split_key(verifier_key, "verifier")
    if _key_id(name, public) != key_id:
        raise FormatError("verifier key ID does not match its name and key")
    try:
        return name, key_id, Ed25519PublicKey.from_public_bytes(public)
    except ValueError:
        raise FormatError("verifier key is not a valid Ed25519 public key") from None


def generate_signer_key(name: str) -> tuple[str, str]:
    """Create a new Ed25519 key; return ``(signer key, verifier key)`` strings.

    ``name`` conventionally equals the checkpoint origin. Keep the signer key secret;
    publish the verifier key.
    """
    return _format_keys(_check_key_name(name), Ed25519PrivateKey.generate())


def verifier_from_signer(signer_key: str) -> str:
    """Return the verifier key string belonging to a signer key string."""
    name, _, private = _parse_signer_key(signer_key)
    return _format_keys(name, private)[1]


def _check_note_chars(text: str, what: str) -> bytes:
    if any(ord(c) < 0x20 and c != "\n" for c in text):
        raise FormatError(f"{what} contains control characters")
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        raise FormatError(f"{what} is not valid UTF-8") from None


def sign_note(text: str, signer_key: str) -> str:
    """Sign note ``text`` (which must end in a newline); return the signed note."""
    if not isinstance(text, str) or not text.endswith("\n"):
        raise FormatError("note text must be a string ending in a newline")
    message = _check_note_chars(text, "note text")
    name, key_id, private = _parse_signer_key(signer_key)
    signature = key_id.to_bytes(4, "big") + private.sign(message)
    return f"{text}\n{_SIG_PREFIX}{name} {_b64encode(signature)}\n"


def open_note(note: str | bytes, verifier_key: str) -> str:
    """Verify a signed note against ``verifier_key`` and return its text.

    Signatures by other keys are ignored, as the signed-note spec requires, but there
    must be at least one valid signature by this key and none by it that fails. Raises
    ``FormatError`` for a malformed note or key and ``SignatureError`` otherwise.
    """
    if isinstance(note, bytes | bytearray):
        try:
            note = bytes(note).decode("utf-8")
        except UnicodeDecodeError:
            raise FormatError("note is not valid UTF-8") from None
    if not isinstance(note, str):
        raise FormatError("note must be a string")
    _check_note_chars(note, "note")
    name, key_id, public = _parse_verifier_key(verifier_key)
    split = note.rfind("\n\n")
    if split < 0:
        raise FormatError("note has no blank line between its text and its signatures")
    text, signatures = note[: split + 1], note[split + 2 :]
    if not signatures or not signatures.endswith("\n"):
        raise FormatError("note has no signature lines, or they do not end in a newline")
    lines = signatures[:-1].split("\n")
    if len(lines) > _MAX_SIGNATURES:
        raise FormatError(f"note has more than {_MAX_SIGNATURES} signatures")
    message = text.encode("utf-8")
    verified = False
    for line in lines:
        if not line.startswith(_SIG_PREFIX):
            raise FormatError("note signature line does not start with '— '")
        sig_name, sep, encoded = line[len(_SIG_PREFIX) :].partition(" ")
        if not sep:
            raise FormatError("note signature line has no space between key name and signature")
        _check_key_name(sig_name)
        raw = _b64decode(encoded, "note signature")
        if len(raw) < 5:
            raise FormatError("note signature is too short")
        if sig_name != name or int.from_bytes(raw[:4], "big") != key_id:
            continue
        try:
            public.verify(raw[4:], message)
        except InvalidSignature:
            raise SignatureError(f"signature by {name}+{key_id:08x} does not match the note text") from None
        verified = True
    if not verified:
        raise SignatureError(f"note is not signed by {name}+{key_id:08x}")
    return text


# ── Checkpoints ──────────────────────────────────────────────────────────────────────


def format_checkpoint(origin: str, size: int, root_hash: bytes, extensions: Iterable[str] = ()) -> str:
    """Return a C2SP tlog-checkpoint body: origin, size, base64 root, then extension lines."""
    lines = [origin, *extensions]
    for line in lines:
        if not isinstance(line, str) or not line or "\n" in line:
            raise ValueError("origin and extension lines must be non-empty single lines")
        _check_note_chars(line, "checkpoint line")
    if not _is_size(size):
        raise ValueError(f"tree size must be an integer in 0..2^64-1, not {size!r}")
    if not _is_hash(root_hash):
        raise ValueError(f"root hash must be {HASH_SIZE} bytes")
    return "".join(f"{line}\n" for line in [origin, str(size), _b64encode(bytes(root_hash)), *lines[1:]])


def parse_checkpoint(text: str) -> tuple[str, int, bytes]:
    """Parse a checkpoint body (the text of an opened note) into ``(origin, size, root)``."""
    if not isinstance(text, str) or not text.endswith("\n"):
        raise FormatError("checkpoint must be text ending in a newline")
    lines = text[:-1].split("\n")
    if len(lines) < 3:
        raise FormatError("checkpoint needs an origin, a tree size and a root hash line")
    origin, size_text, root_text, *extensions = lines
    if not origin:
        raise FormatError("checkpoint origin line is empty")
    if not _DECIMAL.fullmatch(size_text) or int(size_text) > _MAX_TREE_SIZE:
        raise FormatError(f"checkpoint tree size {size_text!r} is not a decimal uint64")
    root_hash = _b64decode(root_text, "checkpoint root hash")
    if len(root_hash) != HASH_SIZE:
        raise FormatError(f"checkpoint root hash is {len(root_hash)} bytes, not {HASH_SIZE}")
    if any(not line for line in extensions):
        raise FormatError("checkpoint has an empty extension line")
    return origin, int(size_text), root_hash

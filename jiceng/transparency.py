"""Append-only transparency log for the Moral Bank points ledger.

Every ledger entry is serialised to canonical bytes and becomes one leaf of a Merkle
tree built exactly as RFC 6962 / RFC 9162 specify (SHA-256; a leaf hashes as
``SHA256(0x00 || entry)``, an interior node as ``SHA256(0x01 || left || right)``; a
list of n > 1 leaves splits at the largest power of two smaller than n). The tree head
is published as a checkpoint in the C2SP ``tlog-checkpoint`` format and signed as a
C2SP ``signed-note`` with Ed25519. Residents, auditors and the press can then check,
without trusting the server and without Django, that

* a given entry is in the log (an *inclusion* proof against a signed checkpoint), and
* a later checkpoint extends an earlier one without rewriting history (a
  *consistency* proof between two signed checkpoints).

This module is deliberately free of Django: it depends on the standard library and
``cryptography`` only, so that it can be handed to anyone as a standalone verifier.

Merkle tree
-----------
``leaf_hash``, ``root``, ``inclusion_proof``, ``verify_inclusion``,
``consistency_proof`` and ``verify_consistency`` work on raw entries. The ``*_from_hashes``
variants and ``verify_inclusion_hash`` take 32-byte leaf hashes instead, which is what
the database stores. Two helpers avoid recomputing the whole tree:

* ``Frontier`` keeps only the roots of the perfect subtrees covering ``[0, size)``
  (one per set bit of ``size``); appending N leaves to a tree of size M costs
  O(N + log M) hashes, and the root is then O(log M).
* ``MerkleTree`` keeps every complete interior node, so roots and proofs for any
  earlier tree size cost O(log² n) hashes after an O(n) build.

Checkpoints and keys
--------------------
A checkpoint body is ``<origin>\\n<tree size>\\n<base64 root hash>\\n`` followed by
optional non-empty extension lines. A signed note is the body, a blank line, and one
line per signature: ``— <key name> <base64(4-byte key ID || 64-byte signature)>\\n``
(the dash is U+2014). The key ID is the first four bytes of
``SHA-256(key name || 0x0A || 0x01 || public key)``. Keys are exchanged as strings:

* verifier key: ``<name>+<8 hex digit key ID>+<base64(0x01 || 32-byte public key)>``
* signer key: ``PRIVATE+KEY+<name>+<8 hex digit key ID>+<base64(0x01 || 32-byte seed)>``

Proof bundles
-------------
A bundle is a JSON object; base64 is the standard alphabet with padding.

Inclusion — "this entry is in the log"::

    {
      "type": "inclusion",
      "entry": "<base64 of the canonical leaf bytes>",
      "index": <leaf index, 0-based>,
      "tree_size": <size of the tree the proof is for; must equal the checkpoint's>,
      "proof": ["<base64 32-byte hash>", ...],      # RFC 6962 PATH, deepest first
      "checkpoint": "<signed note text of the checkpoint>",
      "verifier_key": "<name>+<key id>+<base64 key>"
    }

Consistency — "the new checkpoint only appended to the old one"::

    {
      "type": "consistency",
      "old_checkpoint": "<signed note>",
      "new_checkpoint": "<signed note>",
      "proof": ["<base64 32-byte hash>", ...],      # RFC 6962 PROOF(m, D[n])
      "verifier_key": "<name>+<key id>+<base64 key>"
    }

Sizes and roots are always taken from the signed checkpoints, never from the
unsigned parts of a bundle. Unknown fields are ignored.

Command line
------------
``python -m jiceng.transparency verify PROOF.json [--key VERIFIER_KEY]`` checks the
signature(s) and the proof, prints one line (``验证通过 / verified: …`` or
``验证失败 / FAILED: …``) and exits 0 or 1. A bundle carries its own verifier key, which
only proves that *someone* holding that key signed; compare the printed key name and
ID with the district's published key, or pass ``--key`` to require it.
"""

import argparse
import base64
import binascii
import hashlib
import json
import re
import sys
from collections.abc import Callable, Iterable, Sequence

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "FormatError",
    "Frontier",
    "MerkleTree",
    "ProofError",
    "SignatureError",
    "VerificationError",
    "consistency_bundle",
    "consistency_proof",
    "consistency_proof_from_hashes",
    "format_checkpoint",
    "generate_signer_key",
    "inclusion_bundle",
    "inclusion_proof",
    "inclusion_proof_from_hashes",
    "leaf_hash",
    "main",
    "node_hash",
    "open_note",
    "parse_checkpoint",
    "root",
    "root_from_hashes",
    "sign_note",
    "verifier_from_signer",
    "verify_bundle",
    "verify_consistency",
    "verify_inclusion",
    "verify_inclusion_hash",
]

HASH_SIZE = 32
_sha256 = hashlib.sha256
EMPTY_ROOT = _sha256(b"").digest()

# Checkpoint sizes are uint64 in every other implementation; a larger number is a forgery
# or a bug, not a big log.
_MAX_TREE_SIZE = 2**64 - 1


class VerificationError(Exception):
    """A proof, checkpoint, note or bundle did not verify; the message says why."""


class FormatError(VerificationError, ValueError):
    """Input does not follow the expected format (malformed note, checkpoint, key or bundle)."""


class SignatureError(VerificationError):
    """A note carries no valid signature by the expected key."""


class ProofError(VerificationError):
    """A Merkle proof does not lead to the signed root."""


# ── Merkle tree hashing ──────────────────────────────────────────────────────────────


def leaf_hash(entry: bytes) -> bytes:
    """Return the RFC 6962 leaf hash ``SHA-256(0x00 || entry)``."""
    return _sha256(b"\x00" + bytes(entry)).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Return the RFC 6962 interior node hash ``SHA-256(0x01 || left || right)``."""
    return _sha256(b"\x01" + left + right).digest()


def _hash_list(hashes: Iterable[bytes]) -> list[bytes]:
    level = hashes if isinstance(hashes, list) else list(hashes)
    # map() over builtins keeps validation of a million hashes in C, roughly 20x cheaper
    # than a Python-level loop.
    if set(map(type, level)) - {bytes} or set(map(len, level)) - {HASH_SIZE}:
        raise ValueError(f"every leaf hash must be {HASH_SIZE} bytes")
    return level


def _mth(level: list[bytes], lo: int, hi: int) -> bytes:
    # Pairing neighbours level by level and carrying an odd last node up unchanged yields
    # exactly the RFC 6962 split-at-largest-power-of-two tree, without recursion or the
    # repeated slice copies the recursive definition implies.
    if lo == hi:
        return EMPTY_ROOT
    sha = _sha256
    nodes = level[lo:hi]
    while len(nodes) > 1:
        pairs = iter(nodes)
        upper = [sha(b"\x01" + a + b).digest() for a, b in zip(pairs, pairs, strict=False)]
        if len(nodes) & 1:
            upper.append(nodes[-1])
        nodes = upper
    return nodes[0]


def _split(n: int) -> int:
    """Largest power of two strictly smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def _path(range_hash: Callable[[int, int], bytes], index: int, size: int) -> list[bytes]:
    # RFC 6962 PATH(m, D[n]), unrolled: walking down collects siblings root-first, and the
    # proof lists them leaf-first.
    proof = []
    lo, hi = 0, size
    while hi - lo > 1:
        mid = lo + _split(hi - lo)
        if index < mid:
            proof.append(range_hash(mid, hi))
            hi = mid
        else:
            proof.append(range_hash(lo, mid))
            lo = mid
    proof.reverse()
    return proof


def _subproof(range_hash: Callable[[int, int], bytes], old_size: int, size: int) -> list[bytes]:
    # RFC 6962 SUBPROOF(m, D[n], true), unrolled the same way as _path. The flag turns
    # false once the walk leaves the left edge, after which the old tree's last subtree
    # is no longer known to the verifier and must be sent.
    proof = []
    lo, hi = 0, size
    complete = True
    while old_size != hi:
        mid = lo + _split(hi - lo)
        if old_size <= mid:
            proof.append(range_hash(mid, hi))
            hi = mid
        else:
            proof.append(range_hash(lo, mid))
            lo = mid
            complete = False
    if not complete:
        proof.append(range_hash(lo, hi))
    proof.reverse()
    return proof


def root_from_hashes(hashes: Iterable[bytes]) -> bytes:
    """Return the Merkle tree hash of a list of 32-byte leaf hashes."""
    level = _hash_list(hashes)
    return _mth(level, 0, len(level))


def root(entries: Sequence[bytes]) -> bytes:
    """Return the RFC 6962 Merkle tree hash of raw entries; empty is ``SHA-256("")``."""
    return root_from_hashes([leaf_hash(e) for e in entries])


def inclusion_proof_from_hashes(hashes: Iterable[bytes], index: int) -> list[bytes]:
    """Return the RFC 6962 inclusion proof PATH for leaf ``index`` of a list of leaf hashes.

    Costs O(n) hashes; use ``MerkleTree`` when many proofs are needed.
    """
    level = _hash_list(hashes)
    size = len(level)
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} is outside a tree of size {size}")
    return _path(lambda lo, hi: _mth(level, lo, hi), index, size)


def inclusion_proof(entries: Sequence[bytes], index: int) -> list[bytes]:
    """Return the RFC 6962 inclusion proof PATH(index, entries), deepest sibling first."""
    return inclusion_proof_from_hashes([leaf_hash(e) for e in entries], index)


def consistency_proof_from_hashes(hashes: Iterable[bytes], old_size: int) -> list[bytes]:
    """Return the RFC 6962 consistency proof PROOF(old_size, D[n]) from leaf hashes.

    The proof is empty when ``old_size`` is 0 or the whole tree, since both are trivially
    consistent. Costs O(n) hashes; use ``MerkleTree`` when many proofs are needed.
    """
    level = _hash_list(hashes)
    size = len(level)
    if not 0 <= old_size <= size:
        raise ValueError(f"old size {old_size} is outside 0..{size}")
    if old_size in (0, size):
        return []
    return _subproof(lambda lo, hi: _mth(level, lo, hi), old_size, size)


def consistency_proof(entries: Sequence[bytes], old_size: int) -> list[bytes]:
    """Return the RFC 6962 consistency proof between the first ``old_size`` entries and all."""
    return consistency_proof_from_hashes([leaf_hash(e) for e in entries], old_size)


def _is_hash(value: object) -> bool:
    return isinstance(value, bytes | bytearray) and len(value) == HASH_SIZE


def _is_size(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= _MAX_TREE_SIZE


def verify_inclusion_hash(leaf: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """Check an inclusion proof for a leaf *hash* with the RFC 9162 §2.1.3.2 algorithm.

    Malformed input yields False rather than an exception, since all of it may be
    adversarial.
    """
    if not (_is_size(index) and _is_size(size) and index < size):
        return False
    if not (_is_hash(leaf) and _is_hash(root) and all(_is_hash(p) for p in proof)):
        return False
    fn, sn = index, size - 1
    r = bytes(leaf)
    for p in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return sn == 0 and r == root


def verify_inclusion(entry: bytes, index: int, size: int, proof: Sequence[bytes], root: bytes) -> bool:
    """Check that ``entry`` is leaf ``index`` of the tree of ``size`` leaves with this root.

    Implements RFC 9162 §2.1.3.2. Note that, as in every implementation of that
    algorithm, ``size`` is only loosely bound by the proof; the signed checkpoint is
    what authenticates the size together with the root.
    """
    if not isinstance(entry, bytes | bytearray):
        return False
    return verify_inclusion_hash(leaf_hash(entry), index, size, proof, root)


def verify_consistency(
    old_size: int, new_size: int, old_root: bytes, new_root: bytes, proof: Sequence[bytes]
) -> bool:
    """Check that the tree ``(new_size, new_root)`` extends ``(old_size, old_root)``.

    Implements RFC 9162 §2.1.4.2 for 0 < old_size < new_size. Equal sizes need an empty
    proof and equal roots; an empty old tree needs an empty proof and the empty-tree
    root. Malformed input yields False.
    """
    if not (_is_size(old_size) and _is_size(new_size) and old_size <= new_size):
        return False
    if not (_is_hash(old_root) and _is_hash(new_root) and all(_is_hash(p) for p in proof)):
        return False
    if old_size == new_size:
        return not proof and old_root == new_root
    if old_size == 0:
        return not proof and old_root == EMPTY_ROOT
    if not proof:
        return False
    path = [bytes(p) for p in proof]
    if old_size & (old_size - 1) == 0:
        # A power-of-two old tree is itself a complete subtree of the new one, so the
        # proof omits it and the verifier supplies it.
        path.insert(0, bytes(old_root))
    fn, sn = old_size - 1, new_size - 1
    while fn & 1:
        fn >>= 1
        sn >>= 1
    fr = sr = path[0]
    for c in path[1:]:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            fr = node_hash(c, fr)
            sr = node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn >>= 1
                    sn >>= 1
        else:
            sr = node_hash(sr, c)
        fn >>= 1
        sn >>= 1
    return sn == 0 and fr == old_root and sr == new_root


# ── Incremental trees ────────────────────────────────────────────────────────────────


class Frontier:
    """The compact range ``[0, size)``: one perfect-subtree root per set bit of ``size``.

    This is all that is needed to extend a log and compute its root, so it is what to
    persist between checkpoint batches: appending N leaves to a tree of size M costs
    O(N + log M) hashes. ``peaks`` are ordered largest subtree (leftmost) first.
    """

    __slots__ = ("_size", "_peaks")

    def __init__(self, size: int = 0, peaks: Iterable[bytes] = ()) -> None:
        peaks = list(_hash_list(peaks))
        if not _is_size(size) or len(peaks) != size.bit_count():
            raise ValueError(f"a tree of size {size} needs exactly one peak per set bit of its size")
        self._size = size
        self._peaks = peaks

    @classmethod
    def from_hashes(cls, hashes: Iterable[bytes]) -> "Frontier":
        """Build the frontier of a whole list of leaf hashes."""
        frontier = cls()
        frontier.extend(hashes)
        return frontier

    @property
    def size(self) -> int:
        """Number of leaves covered."""
        return self._size

    @property
    def peaks(self) -> tuple[bytes, ...]:
        """Perfect-subtree roots, largest first; persist these together with ``size``."""
        return tuple(self._peaks)

    def copy(self) -> "Frontier":
        """Return an independent copy, e.g. to compute a root for a batch not yet committed."""
        return Frontier(self._size, self._peaks)

    def append(self, leaf: bytes) -> None:
        """Append one leaf hash: a binary-counter carry through the smallest peaks."""
        if not _is_hash(leaf):
            raise ValueError(f"a leaf hash must be {HASH_SIZE} bytes")
        carry = bytes(leaf)
        size = self._size
        while size & 1:
            carry = node_hash(self._peaks.pop(), carry)
            size >>= 1
        self._peaks.append(carry)
        self._size += 1

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append many leaf hashes, hashing each level of the batch in one pass."""
        new = _hash_list(leaf_hashes)
        if not new:
            return
        old, total = self._size, self._size + len(new)
        old_levels = [h for h in range(old.bit_length() - 1, -1, -1) if old >> h & 1]
        old_peaks = dict(zip(old_levels, self._peaks, strict=True))
        new_peaks: dict[int, bytes] = {}
        sha = _sha256
        nodes = new
        for height in range(total.bit_length()):
            # The old peak at this height, if any, has an even index and so is the left
            # sibling of the first new node here: the batch continues it.
            if height in old_peaks:
                nodes = [old_peaks[height], *nodes]
            if len(nodes) & 1:
                new_peaks[height] = nodes[-1]
            pairs = iter(nodes)
            nodes = [sha(b"\x01" + a + b).digest() for a, b in zip(pairs, pairs, strict=False)]
        self._peaks = [new_peaks[h] for h in sorted(new_peaks, reverse=True)]
        self._size = total

    def root(self) -> bytes:
        """Return the Merkle tree hash of the covered leaves."""
        if not self._peaks:
            return EMPTY_ROOT
        acc = self._peaks[-1]
        for peak in reversed(self._peaks[:-1]):
            acc = node_hash(peak, acc)
        return acc


class MerkleTree:
    """Leaf hashes plus every complete interior node, for fast proofs at any tree size.

    ``levels[h][i]`` is the root of the perfect subtree of leaves ``[i·2^h, (i+1)·2^h)``;
    such a node never changes once it exists, so appending only adds nodes. Memory is
    about twice the leaf hashes (≈150 MB per million leaves in CPython).
    """

    __slots__ = ("_levels",)

    def __init__(self, leaf_hashes: Iterable[bytes] = ()) -> None:
        self._levels: list[list[bytes]] = [[]]
        self.extend(leaf_hashes)

    def __len__(self) -> int:
        return len(self._levels[0])

    @property
    def size(self) -> int:
        """Number of leaves."""
        return len(self._levels[0])

    def leaf(self, index: int) -> bytes:
        """Return the leaf hash at ``index``."""
        return self._levels[0][index]

    def append(self, leaf: bytes) -> None:
        """Append one leaf hash."""
        self.extend([leaf])

    def extend(self, leaf_hashes: Iterable[bytes]) -> None:
        """Append leaf hashes and the complete nodes they finish."""
        new = _hash_list(leaf_hashes)
        self._levels[0].extend(new)
        sha = _sha256
        height = 0
        while len(self._levels[height]) >= 2:
            if height + 1 == len(self._levels):
                self._levels.append([])
            below, above = self._levels[height], self._levels[height + 1]
            start = 2 * len(above)
            if start + 2 > len(below):
                break
            pairs = iter(below[start:])
            above.extend(sha(b"\x01" + a + b).digest() for a, b in zip(pairs, pairs, strict=False))
            height += 1

    def _range_hash(self, lo: int, hi: int) -> bytes:
        # Every range a proof asks for starts on a boundary aligned to its largest
        # power-of-two block, so it decomposes into stored nodes; anything else falls back
        # to hashing the leaves.
        blocks = []
        pos = lo
        while pos < hi:
            height = (hi - pos).bit_length() - 1
            if pos & ((1 << height) - 1):
                return _mth(self._levels[0], lo, hi)
            blocks.append(self._levels[height][pos >> height])
            pos += 1 << height
        if not blocks:
            return EMPTY_ROOT
        acc = blocks[-1]
        for block in reversed(blocks[:-1]):
            acc = node_hash(block, acc)
        return acc

    def _checked_size(self, size: int | None) -> int:
        if size is None:
            return self.size
        if not 0 <= size <= self.size:
            raise ValueError(f"tree size {size} is outside 0..{self.size}")
        return size

    def root(self, size: int | None = None) -> bytes:
        """Return the root of the first ``size`` leaves (default: all)."""
        return self._range_hash(0, self._checked_size(size))

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        """Return PATH(index, D[size]) in O(log² size) hashes."""
        size = self._checked_size(size)
        if not 0 <= index < size:
            raise ValueError(f"leaf index {index} is outside a tree of size {size}")
        return _path(self._range_hash, index, size)

    def consistency_proof(self, old_size: int, size: int | None = None) -> list[bytes]:
        """Return PROOF(old_size, D[size]) in O(log² size) hashes."""
        size = self._checked_size(size)
        if not 0 <= old_size <= size:
            raise ValueError(f"old size {old_size} is outside 0..{size}")
        if old_size in (0, size):
            return []
        return _subproof(self._range_hash, old_size, size)


# ── Keys and signed notes ────────────────────────────────────────────────────────────

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


# ── Proof bundles ────────────────────────────────────────────────────────────────────


def _field(bundle: dict, name: str, kind: type) -> object:
    value = bundle.get(name)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise FormatError(f"bundle field {name!r} is missing or not a {kind.__name__}")
    return value


def _proof_field(bundle: dict) -> list[bytes]:
    proof = _field(bundle, "proof", list)
    hashes = [_b64decode(item, f"proof[{i}]") for i, item in enumerate(proof)]
    if any(len(h) != HASH_SIZE for h in hashes):
        raise FormatError(f"every proof hash must be {HASH_SIZE} bytes")
    return hashes


def _open_checkpoint(note: str, verifier_key: str, what: str) -> tuple[str, int, bytes]:
    try:
        return parse_checkpoint(open_note(note, verifier_key))
    except VerificationError as err:
        raise type(err)(f"{what}: {err}") from None


def _verify_inclusion_bundle(bundle: dict, key: str, signer: str) -> str:
    entry = _b64decode(_field(bundle, "entry", str), "entry")
    index = _field(bundle, "index", int)
    tree_size = _field(bundle, "tree_size", int)
    proof = _proof_field(bundle)
    origin, size, root_hash = _open_checkpoint(_field(bundle, "checkpoint", str), key, "checkpoint")
    if tree_size != size:
        raise ProofError(f"bundle claims tree size {tree_size} but the checkpoint is for size {size}")
    if not verify_inclusion(entry, index, size, proof, root_hash):
        raise ProofError(f"entry #{index} is not proven to be in {origin} at tree size {size}")
    return (
        f"entry #{index} (leaf hash {leaf_hash(entry).hex()[:16]}…) is in log {origin} "
        f"at tree size {size}, root {root_hash.hex()[:16]}…, signed by {signer}"
    )


def _verify_consistency_bundle(bundle: dict, key: str, signer: str) -> str:
    proof = _proof_field(bundle)
    old_origin, old_size, old_root = _open_checkpoint(
        _field(bundle, "old_checkpoint", str), key, "old checkpoint"
    )
    origin, new_size, new_root = _open_checkpoint(
        _field(bundle, "new_checkpoint", str), key, "new checkpoint"
    )
    if old_origin != origin:
        raise ProofError(f"checkpoints are for different logs: {old_origin} and {origin}")
    if old_size > new_size:
        raise ProofError(f"log shrank from {old_size} to {new_size} entries")
    if not verify_consistency(old_size, new_size, old_root, new_root, proof):
        raise ProofError(f"tree size {new_size} is not proven to extend tree size {old_size}")
    return (
        f"log {origin} at tree size {new_size} (root {new_root.hex()[:16]}…) extends tree size "
        f"{old_size} (root {old_root.hex()[:16]}…) without rewriting it, signed by {signer}"
    )


def verify_bundle(bundle: dict, trusted_key: str | None = None) -> str:
    """Verify a proof bundle (see the module docstring) and return a one-line summary.

    The checkpoint signature is checked with ``trusted_key`` when given, otherwise with
    the bundle's own ``verifier_key`` (whose name and ID then appear in the summary for
    comparison with the published key). Raises ``VerificationError`` on any failure.
    """
    if not isinstance(bundle, dict):
        raise FormatError("bundle must be a JSON object")
    key = trusted_key if trusted_key is not None else _field(bundle, "verifier_key", str)
    name, key_id, _ = _parse_verifier_key(key)
    signer = f"{name}+{key_id:08x}"
    kind = bundle.get("type")
    if kind == "inclusion":
        return _verify_inclusion_bundle(bundle, key, signer)
    if kind == "consistency":
        return _verify_consistency_bundle(bundle, key, signer)
    raise FormatError(f"bundle type {kind!r} is neither 'inclusion' nor 'consistency'")


def inclusion_bundle(
    entry: bytes, index: int, proof: Sequence[bytes], checkpoint: str, verifier_key: str
) -> dict:
    """Build an inclusion bundle; ``tree_size`` is taken from the signed checkpoint.

    The bundle is verified before it is returned, so a bundle this function hands out
    always verifies; inconsistent inputs raise ``VerificationError``.
    """
    _, size, _ = _open_checkpoint(checkpoint, verifier_key, "checkpoint")
    bundle = {
        "type": "inclusion",
        "entry": _b64encode(bytes(entry)),
        "index": index,
        "tree_size": size,
        "proof": [_b64encode(bytes(p)) for p in proof],
        "checkpoint": checkpoint,
        "verifier_key": verifier_key,
    }
    verify_bundle(bundle)
    return bundle


def consistency_bundle(
    old_checkpoint: str, new_checkpoint: str, proof: Sequence[bytes], verifier_key: str
) -> dict:
    """Build a consistency bundle between two signed checkpoints of the same log.

    Verified before it is returned; inconsistent inputs raise ``VerificationError``.
    """
    bundle = {
        "type": "consistency",
        "old_checkpoint": old_checkpoint,
        "new_checkpoint": new_checkpoint,
        "proof": [_b64encode(bytes(p)) for p in proof],
        "verifier_key": verifier_key,
    }
    verify_bundle(bundle)
    return bundle


# ── Command line ─────────────────────────────────────────────────────────────────────


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m jiceng.transparency``; returns the exit status."""
    parser = argparse.ArgumentParser(
        prog="python -m jiceng.transparency",
        description="Verify Moral Bank transparency-log proofs without the server. / 离线核验积分账本证明。",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    verify = commands.add_parser("verify", help="verify a proof bundle / 核验证明文件")
    verify.add_argument("bundle", help="proof bundle JSON file, or - for standard input")
    verify.add_argument("--key", help="require this verifier key instead of the one in the bundle")
    args = parser.parse_args(argv)

    # Chinese output must not crash on a terminal with a narrow locale.
    if hasattr(sys.stdout, "reconfigure"):
        sys.stdout.reconfigure(errors="replace")
    try:
        if args.bundle == "-":
            raw = sys.stdin.buffer.read()
        else:
            with open(args.bundle, "rb") as handle:
                raw = handle.read()
        bundle = json.loads(raw.decode("utf-8"))
        summary = verify_bundle(bundle, trusted_key=args.key)
    except OSError as err:
        print(f"验证失败 / FAILED: cannot read {args.bundle}: {err.strerror or err}")
        return 1
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        print(f"验证失败 / FAILED: {args.bundle} is not a UTF-8 JSON file: {err}")
        return 1
    except VerificationError as err:
        print(f"验证失败 / FAILED: {err}")
        return 1
    print(f"验证通过 / verified: {summary}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

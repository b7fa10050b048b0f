"""RFC 6962 / RFC 9162 Merkle tree: hashing, proofs, their verification, incremental trees.

``leaf_hash``, ``root``, ``inclusion_proof``, ``verify_inclusion``, ``consistency_proof``
and ``verify_consistency`` work on raw entries. The ``*_from_hashes`` variants and
``verify_inclusion_hash`` take 32-byte leaf hashes instead, which is what the database
stores. Two helpers avoid recomputing the whole tree:

* ``Frontier`` keeps only the roots of the perfect subtrees covering ``[0, size)``
  (one per set bit of ``size``); appending N leaves to a tree of size M costs
  O(N + log M) hashes, and the root is then O(log M).
* ``MerkleTree`` keeps every complete interior node, so roots and proofs for any
  earlier tree size cost O(log² n) hashes after an O(n) build.

Standard library only.
"""

import hashlib
from collections.abc import Callable, Iterable, Sequence

HASH_SIZE = 32
_sha256 = hashlib.sha256
EMPTY_ROOT = _sha256(b"").digest()

# Checkpoint sizes are uint64 in every other implementation; a larger number is a forgery
# or a bug, not a big log.
_MAX_TREE_SIZE = 2**64 - 1


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


def checked_size(size: int | None, total: int) -> int:
    """The tree size a question names (None: the whole tree), refused outside 0..total."""
    if size is None:
        return total
    if not 0 <= size <= total:
        raise ValueError(f"tree size {size} is outside 0..{total}")
    return size


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
        return checked_size(size, self.size)

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

"""A Merkle tree kept in storage as its complete subtrees, for proofs without rebuilding it.

Only complete (perfect) subtrees of an RFC 6962 tree are immutable: once leaves
``[i·2^h, (i+1)·2^h)`` exist, their root never changes. So a store keeps the leaf hashes
(level 0) and the complete nodes of every ``stride``-th level above them (levels
``stride``, ``2·stride``, …); any other complete node is folded from at most
``2^(stride-1)`` stored nodes of the stored level below it, and the right edge of a tree
whose size is not a power of two is computed from complete nodes on the fly.

* ``NodeBuilder`` streams leaf hashes and emits each stored node once it is complete;
  it keeps at most ``2^stride - 1`` pending nodes per stored level.
* ``StoredTree`` answers roots, inclusion and consistency proofs (byte-identical to
  ``MerkleTree``'s) by asking a ``fetch`` callback for the few stored nodes they need,
  all of them in one call.

``fetch`` takes ``{level: [(lo, hi), ...]}`` (half-open index ranges, level 0 being the
leaves) and returns ``{(level, index): hash}``. Standard library only.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable

from .merkle import EMPTY_ROOT, _hash_list, _path, _sha256, _subproof, checked_size, node_hash

Fetch = Callable[[dict[int, list[tuple[int, int]]]], dict[tuple[int, int], bytes]]


def _fold(nodes: list[bytes]) -> bytes:
    """The root of a perfect subtree from its 2^k nodes of one level."""
    sha = _sha256
    while len(nodes) > 1:
        pairs = iter(nodes)
        nodes = [sha(b"\x01" + a + b).digest() for a, b in zip(pairs, pairs, strict=True)]
    return nodes[0]


def _blocks(lo: int, hi: int) -> list[tuple[int, int]]:
    """``[lo, hi)`` as complete subtrees (height, index), left to right.

    Every range a proof asks for starts on a boundary aligned to its largest power-of-two
    block, so it splits into complete subtrees.
    """
    blocks = []
    pos = lo
    while pos < hi:
        height = (hi - pos).bit_length() - 1
        if pos & ((1 << height) - 1):
            raise ValueError(f"range [{lo}, {hi}) is not made of complete subtrees")
        blocks.append((height, pos >> height))
        pos += 1 << height
    return blocks


def _merge(ranges: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[list[int]] = []
    for lo, hi in sorted(ranges):
        if merged and lo <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], hi)
        else:
            merged.append([lo, hi])
    return [(lo, hi) for lo, hi in merged]


def stored_levels(size: int, stride: int) -> list[int]:
    """The stored levels above the leaves that hold at least one node for ``size`` leaves."""
    return list(range(stride, max(size.bit_length(), 1), stride))


class NodeBuilder:
    """Emits the stored nodes (levels ``stride``, ``2·stride``, …) completed by new leaves.

    Start it at an existing tree ``size`` with the pending nodes ``tail_ranges`` names
    (read from the store), or at 0 to rebuild every node from the leaves.
    """

    def __init__(self, size: int = 0, stride: int = 4, tails: dict[int, list[bytes]] | None = None):
        if stride < 1:
            raise ValueError("stride must be at least 1")
        self.size = size
        self.stride = stride
        self._pending: dict[int, list[bytes]] = {}
        tails = tails or {}
        for level, (lo, hi) in self.tail_ranges(size, stride).items():
            nodes = list(tails.get(level, ()))
            if len(nodes) != hi - lo:
                raise ValueError(f"level {level} needs {hi - lo} pending nodes, got {len(nodes)}")
            self._pending[level] = nodes

    @staticmethod
    def tail_ranges(size: int, stride: int) -> dict[int, tuple[int, int]]:
        """Per stored level (0 = leaves), the nodes of the incomplete group at the right edge."""
        ranges = {}
        level = 0
        while size >> level:
            hi = size >> level
            lo = (hi >> stride) << stride
            if lo < hi:
                ranges[level] = (lo, hi)
            level += stride
        return ranges

    def extend(self, leaf_hashes: Iterable[bytes]) -> list[tuple[int, int, bytes]]:
        """Append leaf hashes; returns the new stored nodes as (level, index, hash)."""
        new = _hash_list(leaf_hashes)
        out: list[tuple[int, int, bytes]] = []
        group = 1 << self.stride
        total = self.size + len(new)
        level, nodes = 0, self._pending.get(0, []) + new
        while len(nodes) >= group:
            first = ((self.size >> level) >> self.stride) << self.stride  # index of nodes[0]
            full = len(nodes) - len(nodes) % group
            upper = [_fold(nodes[k : k + group]) for k in range(0, full, group)]
            self._pending[level] = nodes[full:]
            level += self.stride
            start = first >> self.stride
            out.extend((level, start + k, h) for k, h in enumerate(upper))
            nodes = self._pending.get(level, []) + upper
        self._pending[level] = nodes
        self.size = total
        return out


class StoredTree:
    """Roots and proofs of the first ``size`` leaves, from stored complete subtrees."""

    def __init__(self, size: int, fetch: Fetch, stride: int = 4) -> None:
        self.size = size
        self.stride = stride
        self._fetch = fetch
        self._nodes: dict[tuple[int, int], bytes] = {}

    # -- what a proof needs, fetched at once

    def _stored_range(self, height: int, index: int) -> tuple[int, int, int]:
        base = height - height % self.stride
        shift = height - base
        return base, index << shift, (index + 1) << shift

    def _load(self, ranges: Iterable[tuple[int, int]]) -> None:
        wanted: dict[int, list[tuple[int, int]]] = defaultdict(list)
        for lo, hi in ranges:
            for height, index in _blocks(lo, hi):
                base, a, b = self._stored_range(height, index)
                if any((base, i) not in self._nodes for i in range(a, b)):
                    wanted[base].append((a, b))
        if wanted:
            self._nodes.update(self._fetch({level: _merge(r) for level, r in wanted.items()}))

    def _block(self, height: int, index: int) -> bytes:
        base, a, b = self._stored_range(height, index)
        try:
            return _fold([self._nodes[(base, i)] for i in range(a, b)])
        except KeyError as exc:
            raise LookupError(f"stored node {exc.args[0]} is missing") from None

    def _range_hash(self, lo: int, hi: int) -> bytes:
        blocks = [self._block(h, i) for h, i in _blocks(lo, hi)]
        if not blocks:
            return EMPTY_ROOT
        acc = blocks[-1]
        for block in reversed(blocks[:-1]):
            acc = node_hash(block, acc)
        return acc

    def _planned(self, walk: Callable[[Callable[[int, int], bytes]], object]) -> object:
        ranges: list[tuple[int, int]] = []

        def record(lo: int, hi: int) -> bytes:
            ranges.append((lo, hi))
            return EMPTY_ROOT

        walk(record)
        self._load(ranges)
        return walk(self._range_hash)

    def _checked_size(self, size: int | None) -> int:
        return checked_size(size, self.size)

    # -- the answers

    def root(self, size: int | None = None) -> bytes:
        size = self._checked_size(size)
        return self._planned(lambda rh: rh(0, size))

    def inclusion_proofs(self, indices: Iterable[int], size: int | None = None) -> list[list[bytes]]:
        """PATH(i, D[size]) for each index, reading every stored node they need in one fetch."""
        size = self._checked_size(size)
        indices = list(indices)
        for index in indices:
            if not 0 <= index < size:
                raise ValueError(f"leaf index {index} is outside a tree of size {size}")
        return self._planned(lambda rh: [_path(rh, i, size) for i in indices])

    def inclusion_proof(self, index: int, size: int | None = None) -> list[bytes]:
        return self.inclusion_proofs([index], size)[0]

    def consistency_proof(self, old_size: int, size: int | None = None) -> list[bytes]:
        size = self._checked_size(size)
        if not 0 <= old_size <= size:
            raise ValueError(f"old size {old_size} is outside 0..{size}")
        if old_size in (0, size):
            return []
        return self._planned(lambda rh: _subproof(rh, old_size, size))

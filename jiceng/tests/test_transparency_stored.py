"""Proofs from stored complete subtrees equal those of a whole in-memory tree.

Needs no Django; run with ``pytest -p no:django`` when no settings module is available.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiceng import transparency as tl
from jiceng.transparency.stored import NodeBuilder, StoredTree


class Store:
    """A dict standing in for the database: leaves at level 0, built nodes above; counts reads."""

    def __init__(self, stride):
        self.stride = stride
        self.nodes = {}
        self.builder = NodeBuilder(0, stride)
        self.size = 0
        self.reads = self.fetches = 0

    def append(self, hashes):
        for i, h in enumerate(hashes):
            self.nodes[(0, self.size + i)] = h
        # A builder restarted from the store's tails, as a new checkpoint does it.
        tails = {
            level: [self.nodes[(level, i)] for i in range(lo, hi)]
            for level, (lo, hi) in NodeBuilder.tail_ranges(self.size, self.stride).items()
        }
        builder = NodeBuilder(self.size, self.stride, tails)
        for level, index, h in builder.extend(hashes):
            assert (level, index) not in self.nodes  # a complete node is written once
            self.nodes[(level, index)] = h
        self.size += len(hashes)

    def fetch(self, wanted):
        self.fetches += 1
        out = {}
        for level, ranges in wanted.items():
            for lo, hi in ranges:
                for i in range(lo, hi):
                    if (level, i) in self.nodes:
                        out[(level, i)] = self.nodes[(level, i)]
                        self.reads += 1
        return out

    def tree(self, size=None):
        return StoredTree(self.size if size is None else size, self.fetch, self.stride)


def leaves(n):
    return [tl.leaf_hash(i.to_bytes(4, "big")) for i in range(n)]


@pytest.mark.parametrize("stride", [1, 2, 4])
def test_every_proof_of_every_size_up_to_70_equals_the_whole_tree(stride):
    hashes = leaves(70)
    store = Store(stride)
    for cut in (3, 16, 17, 40, 64, 70):  # appended in uneven batches, as checkpoints do
        store.append(hashes[store.size : cut])
    whole = tl.MerkleTree(hashes)
    for size in range(0, 71):
        stored = StoredTree(size, store.fetch, stride)
        assert stored.root() == whole.root(size)
        assert stored.inclusion_proofs(range(size)) == [whole.inclusion_proof(i, size) for i in range(size)]
        for old in range(size + 1):
            assert stored.consistency_proof(old) == whole.consistency_proof(old, size)


@settings(max_examples=60, deadline=None)
@given(
    batches=st.lists(st.integers(0, 600), min_size=1, max_size=6),
    data=st.data(),
)
def test_large_uneven_trees_prove_the_same_and_read_few_nodes(batches, data):
    total = sum(batches)
    hashes = leaves(total)
    store = Store(4)
    for b in batches:
        store.append(hashes[store.size : store.size + b])
    # Stored nodes are only levels 4, 8, …: about one for every fifteen leaves.
    assert len(store.nodes) - total <= total // 15 + 1
    if not total:
        assert store.tree().root() == tl.EMPTY_ROOT
        return
    whole = tl.MerkleTree(hashes)
    size = data.draw(st.integers(1, total), label="size")
    index = data.draw(st.integers(0, size - 1), label="index")
    old = data.draw(st.integers(0, size), label="old")
    store.reads = store.fetches = 0
    assert store.tree(size).inclusion_proof(index) == whole.inclusion_proof(index, size)
    assert store.fetches <= 1
    assert store.reads <= 16 * (size.bit_length() // 4 + 1) * 2  # O(log n) nodes, never the leaves
    assert store.tree(size).consistency_proof(old) == whole.consistency_proof(old, size)
    assert store.tree(size).root() == whole.root(size)


def test_a_builder_from_zero_emits_what_batches_emitted():
    hashes = leaves(1000)
    store = Store(4)
    for cut in (1, 15, 16, 255, 256, 257, 999, 1000):
        store.append(hashes[store.size : cut])
    rebuilt = {(lvl, i): h for lvl, i, h in NodeBuilder(0, 4).extend(hashes)}
    assert rebuilt == {k: v for k, v in store.nodes.items() if k[0] > 0}


def test_a_missing_node_is_an_error_not_a_wrong_proof():
    store = Store(4)
    store.append(leaves(40))
    del store.nodes[(4, 0)]
    with pytest.raises(LookupError):
        store.tree().inclusion_proof(39)


def test_a_builder_refuses_tails_of_the_wrong_length():
    with pytest.raises(ValueError):
        NodeBuilder(20, 4, {0: leaves(3)})

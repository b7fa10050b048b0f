"""Transparency log, Merkle tree: RFC 6962 vectors, an oracle, edge cases, properties, incremental trees.

Needs no Django; run with ``pytest -p no:django`` when no settings module is available.
"""

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiceng import transparency as tl
from jiceng.tests.transparency_vectors import (
    CONSISTENCY_VECTORS,
    EMPTY_ROOT_HEX,
    INCLUSION_VECTORS,
    LEAVES,
    ROOT_8_HEX,
    ROOTS_HEX,
    flip,
    hexes,
    ref_mth,
    ref_path,
    ref_proof,
    sha,
)

# ── Known answers ────────────────────────────────────────────────────────────────────


def test_empty_tree_root_is_sha256_of_empty_string():
    assert tl.EMPTY_ROOT.hex() == EMPTY_ROOT_HEX
    assert tl.root([]).hex() == EMPTY_ROOT_HEX
    assert tl.root_from_hashes([]).hex() == EMPTY_ROOT_HEX
    assert tl.Frontier().root().hex() == EMPTY_ROOT_HEX
    assert tl.MerkleTree().root().hex() == EMPTY_ROOT_HEX


def test_size_eight_root():
    assert tl.root(LEAVES).hex() == ROOT_8_HEX


@pytest.mark.parametrize("n", range(9))
def test_roots_match_published_vectors(n):
    hashes = [tl.leaf_hash(e) for e in LEAVES[:n]]
    assert tl.root(LEAVES[:n]).hex() == ROOTS_HEX[n]
    assert tl.root_from_hashes(hashes).hex() == ROOTS_HEX[n]
    assert tl.Frontier.from_hashes(hashes).root().hex() == ROOTS_HEX[n]
    assert tl.MerkleTree([tl.leaf_hash(e) for e in LEAVES]).root(n).hex() == ROOTS_HEX[n]
    assert ref_mth(LEAVES[:n]).hex() == ROOTS_HEX[n]


def test_leaf_and_node_hashes_are_domain_separated():
    assert tl.leaf_hash(b"") == sha(b"\x00")
    left, right = tl.leaf_hash(b"a"), tl.leaf_hash(b"b")
    assert tl.node_hash(left, right) == sha(b"\x01" + left + right)
    assert tl.leaf_hash(left + right) != tl.node_hash(left, right)


@pytest.mark.parametrize(("index", "size", "expected"), INCLUSION_VECTORS)
def test_inclusion_proofs_match_published_vectors(index, size, expected):
    entries = LEAVES[:size]
    proof = tl.inclusion_proof(entries, index)
    assert hexes(proof) == expected
    assert hexes(ref_path(index, entries)) == expected
    assert hexes(tl.MerkleTree([tl.leaf_hash(e) for e in LEAVES]).inclusion_proof(index, size)) == expected
    assert tl.verify_inclusion(LEAVES[index], index, size, proof, bytes.fromhex(ROOTS_HEX[size]))


@pytest.mark.parametrize(("old", "new", "expected"), CONSISTENCY_VECTORS)
def test_consistency_proofs_match_published_vectors(old, new, expected):
    entries = LEAVES[:new]
    proof = tl.consistency_proof(entries, old)
    assert hexes(proof) == expected
    assert hexes(ref_proof(old, entries)) == expected
    assert hexes(tl.MerkleTree([tl.leaf_hash(e) for e in LEAVES]).consistency_proof(old, new)) == expected
    old_root, new_root = bytes.fromhex(ROOTS_HEX[old]), bytes.fromhex(ROOTS_HEX[new])
    assert tl.verify_consistency(old, new, old_root, new_root, proof)


@pytest.mark.parametrize("n", range(1, 41))
def test_every_proof_of_small_trees_matches_the_rfc_recursion(n):
    entries = [f"entry-{i}".encode() for i in range(n)]
    tree = tl.MerkleTree([tl.leaf_hash(e) for e in entries])
    expected_root = ref_mth(entries)
    assert tl.root(entries) == expected_root == tree.root()
    for index in range(n):
        proof = tl.inclusion_proof(entries, index)
        assert proof == ref_path(index, entries) == tree.inclusion_proof(index)
        assert tl.verify_inclusion(entries[index], index, n, proof, expected_root)
    for old in range(1, n + 1):
        proof = tl.consistency_proof(entries, old)
        assert proof == ref_proof(old, entries) == tree.consistency_proof(old)
        assert tl.verify_consistency(old, n, ref_mth(entries[:old]), expected_root, proof)


# ── Edge cases and malformed input ───────────────────────────────────────────────────


def test_proof_generation_rejects_out_of_range_arguments():
    with pytest.raises(ValueError):
        tl.inclusion_proof(LEAVES, 8)
    with pytest.raises(ValueError):
        tl.inclusion_proof(LEAVES, -1)
    with pytest.raises(ValueError):
        tl.inclusion_proof([], 0)
    with pytest.raises(ValueError):
        tl.consistency_proof(LEAVES, 9)
    with pytest.raises(ValueError):
        tl.consistency_proof(LEAVES, -1)
    with pytest.raises(ValueError):
        tl.MerkleTree([tl.leaf_hash(b"x")]).root(2)
    assert tl.consistency_proof(LEAVES, 0) == []
    assert tl.consistency_proof(LEAVES, 8) == []


def test_leaf_hash_lists_must_hold_32_byte_hashes():
    with pytest.raises(ValueError):
        tl.root_from_hashes([b"short"])
    with pytest.raises(ValueError):
        tl.root_from_hashes(["0" * 32])
    with pytest.raises(ValueError):
        tl.Frontier().append(b"\x00" * 33)
    with pytest.raises(ValueError):
        tl.Frontier(3, [tl.EMPTY_ROOT])


def test_verify_inclusion_refuses_structural_lies():
    root8 = bytes.fromhex(ROOT_8_HEX)
    proof = tl.inclusion_proof(LEAVES, 5)
    assert tl.verify_inclusion(LEAVES[5], 5, 8, proof, root8)
    assert not tl.verify_inclusion(LEAVES[5], 4, 8, proof, root8)
    assert not tl.verify_inclusion(LEAVES[4], 5, 8, proof, root8)
    assert not tl.verify_inclusion(LEAVES[5], 5, 8, proof, tl.EMPTY_ROOT)
    assert not tl.verify_inclusion(LEAVES[5], 8, 8, proof, root8)
    assert not tl.verify_inclusion(LEAVES[5], -1, 8, proof, root8)
    assert not tl.verify_inclusion(LEAVES[5], 5, 0, proof, root8)
    assert not tl.verify_inclusion(LEAVES[5], 5, 8, proof[:-1], root8)
    assert not tl.verify_inclusion(LEAVES[5], 5, 8, [*proof, root8], root8)
    assert not tl.verify_inclusion(LEAVES[5], 5, 8, [b"short", *proof[1:]], root8)
    assert not tl.verify_inclusion(LEAVES[5], 5, 8, proof, root8[:31])
    assert not tl.verify_inclusion("text", 5, 8, proof, root8)
    assert not tl.verify_inclusion(LEAVES[5], True, 8, proof, root8)


def test_verify_consistency_edge_cases():
    root6, root8 = bytes.fromhex(ROOTS_HEX[6]), bytes.fromhex(ROOT_8_HEX)
    proof = tl.consistency_proof(LEAVES, 6)
    assert tl.verify_consistency(6, 8, root6, root8, proof)
    assert not tl.verify_consistency(8, 6, root8, root6, proof)
    assert not tl.verify_consistency(8, 6, root8, root6, [])
    assert tl.verify_consistency(8, 8, root8, root8, [])
    assert not tl.verify_consistency(8, 8, root8, root8, [root8])
    assert not tl.verify_consistency(8, 8, root6, root8, [])
    assert tl.verify_consistency(0, 8, tl.EMPTY_ROOT, root8, [])
    assert not tl.verify_consistency(0, 8, root6, root8, [])
    assert not tl.verify_consistency(0, 8, tl.EMPTY_ROOT, root8, [root8])
    assert not tl.verify_consistency(6, 8, root6, root8, [])
    assert not tl.verify_consistency(6, 8, root6, root8, proof[:-1])
    assert not tl.verify_consistency(6, 8, root6, root8, [*proof, root8])
    assert not tl.verify_consistency(6, 8, root6, root8, [b"short", *proof[1:]])
    assert not tl.verify_consistency(-1, 8, root6, root8, proof)


# ── Properties ───────────────────────────────────────────────────────────────────────

# Unique entries, because with duplicates a proof for one index legitimately verifies
# for another index holding the same bytes.
entry_lists = st.lists(st.binary(max_size=24), min_size=1, max_size=80, unique=True)


@settings(max_examples=200, deadline=None)
@given(entries=entry_lists, data=st.data())
def test_every_inclusion_proof_verifies_and_tampering_fails(entries, data):
    n = len(entries)
    index = data.draw(st.integers(0, n - 1), label="index")
    root = tl.root(entries)
    proof = tl.inclusion_proof(entries, index)
    assert proof == ref_path(index, entries)
    assert tl.verify_inclusion(entries[index], index, n, proof, root)

    assert not tl.verify_inclusion(entries[index] + b"!", index, n, proof, root)
    other = data.draw(st.integers(0, n - 1).filter(lambda i: i != index), label="other") if n > 1 else None
    if other is not None:
        assert not tl.verify_inclusion(entries[index], other, n, proof, root)
        assert not tl.verify_inclusion(entries[other], index, n, proof, root)
    bit = data.draw(st.integers(0, 255), label="bit")
    assert not tl.verify_inclusion(entries[index], index, n, proof, flip(root, bit))
    if proof:
        which = data.draw(st.integers(0, len(proof) - 1), label="which")
        tampered = [*proof]
        tampered[which] = flip(tampered[which], bit)
        assert not tl.verify_inclusion(entries[index], index, n, tampered, root)
        assert not tl.verify_inclusion(entries[index], index, n, proof[:-1], root)
    assert not tl.verify_inclusion(entries[index], index, n, [*proof, root], root)


@settings(max_examples=200, deadline=None)
@given(entries=entry_lists, data=st.data())
def test_every_consistency_proof_verifies_and_tampering_fails(entries, data):
    n = len(entries)
    old = data.draw(st.integers(0, n), label="old")
    old_root, new_root = tl.root(entries[:old]), tl.root(entries)
    proof = tl.consistency_proof(entries, old)
    if 0 < old:
        assert proof == ref_proof(old, entries)
    assert tl.verify_consistency(old, n, old_root, new_root, proof)

    bit = data.draw(st.integers(0, 255), label="bit")
    assert not tl.verify_consistency(old, n, flip(old_root, bit), new_root, proof)
    if 0 < old < n:
        # Every tree extends the empty one, so only a non-empty old tree constrains the new root.
        assert not tl.verify_consistency(old, n, old_root, flip(new_root, bit), proof)
    if proof:
        which = data.draw(st.integers(0, len(proof) - 1), label="which")
        tampered = [*proof]
        tampered[which] = flip(tampered[which], bit)
        assert not tl.verify_consistency(old, n, old_root, new_root, tampered)
        assert not tl.verify_consistency(old, n, old_root, new_root, proof[:-1])
    assert not tl.verify_consistency(old, n, old_root, new_root, [*proof, new_root])
    if old >= 1:
        # A history rewritten anywhere inside the old tree must not be provable.
        pos = data.draw(st.integers(0, old - 1), label="pos")
        forged = [*entries[:pos], entries[pos] + b"!", *entries[pos + 1 :]]
        assert not tl.verify_consistency(old, n, old_root, tl.root(forged), tl.consistency_proof(forged, old))


@settings(max_examples=100, deadline=None)
@given(entries=entry_lists, data=st.data())
def test_hash_variants_equal_entry_variants(entries, data):
    hashes = [tl.leaf_hash(e) for e in entries]
    index = data.draw(st.integers(0, len(entries) - 1), label="index")
    old = data.draw(st.integers(0, len(entries)), label="old")
    tree = tl.MerkleTree(hashes)
    assert tl.root_from_hashes(hashes) == tl.root(entries) == tree.root()
    assert tl.inclusion_proof_from_hashes(hashes, index) == tl.inclusion_proof(entries, index)
    assert tree.inclusion_proof(index) == tl.inclusion_proof(entries, index)
    assert tl.consistency_proof_from_hashes(hashes, old) == tl.consistency_proof(entries, old)
    assert tree.consistency_proof(old) == tl.consistency_proof(entries, old)
    assert tl.verify_inclusion_hash(
        hashes[index], index, len(hashes), tree.inclusion_proof(index), tree.root()
    )
    # Proofs for an earlier tree size come from the same stored nodes.
    size = data.draw(st.integers(1, len(entries)), label="size")
    prefix_index = data.draw(st.integers(0, size - 1), label="prefix_index")
    assert tree.root(size) == tl.root(entries[:size])
    assert tree.inclusion_proof(prefix_index, size) == tl.inclusion_proof(entries[:size], prefix_index)
    assert tree.consistency_proof(min(old, size), size) == tl.consistency_proof(
        entries[:size], min(old, size)
    )


@settings(max_examples=150, deadline=None)
@given(
    start=st.integers(0, 300),
    batches=st.lists(st.integers(0, 70), max_size=8),
    one_by_one=st.booleans(),
)
def test_incremental_appends_equal_full_recomputation(start, batches, one_by_one):
    total = start + sum(batches)
    hashes = [tl.leaf_hash(i.to_bytes(4, "big")) for i in range(total)]
    frontier = tl.Frontier.from_hashes(hashes[:start])
    tree = tl.MerkleTree(hashes[:start])
    size = start
    for batch in batches:
        chunk = hashes[size : size + batch]
        if one_by_one:
            for h in chunk:
                frontier.append(h)
                tree.append(h)
        else:
            frontier.extend(chunk)
            tree.extend(chunk)
        size += batch
        expected = tl.root_from_hashes(hashes[:size])
        assert frontier.size == tree.size == size
        assert frontier.root() == tree.root() == expected
        assert len(frontier.peaks) == size.bit_count()
        # A frontier rebuilt from its persisted form carries on identically.
        restored = tl.Frontier(frontier.size, frontier.peaks)
        assert restored.root() == expected
    assert size == total


def test_frontier_copy_is_independent():
    frontier = tl.Frontier.from_hashes([tl.leaf_hash(b"a"), tl.leaf_hash(b"b")])
    draft = frontier.copy()
    draft.append(tl.leaf_hash(b"c"))
    assert frontier.size == 2 and draft.size == 3
    assert frontier.root() == tl.root([b"a", b"b"])
    assert draft.root() == tl.root([b"a", b"b", b"c"])

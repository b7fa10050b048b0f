"""Tests for the transparency log: RFC 6962 vectors, properties, signed notes, bundles, CLI.

Needs no Django; run with ``pytest -p no:django`` when no settings module is available.
"""

import base64
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jiceng import transparency as tl

PROJECT_ROOT = Path(__file__).resolve().parents[2]

# ── Published RFC 6962 test vectors ──────────────────────────────────────────────────

LEAVES = [
    b"",
    b"\x00",
    b"\x10",
    b"\x20\x21",
    b"\x30\x31",
    b"\x40\x41\x42\x43",
    b"\x50\x51\x52\x53\x54\x55\x56\x57",
    b"\x60\x61\x62\x63\x64\x65\x66\x67\x68\x69\x6a\x6b\x6c\x6d\x6e\x6f",
]

EMPTY_ROOT_HEX = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"
ROOT_8_HEX = "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"

# MTH(D[n]) for n = 0..8.
ROOTS_HEX = [
    EMPTY_ROOT_HEX,
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    ROOT_8_HEX,
]

# (leaf index, tree size, PATH)
INCLUSION_VECTORS = [
    (0, 1, []),
    (
        0,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        5,
        8,
        [
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
    (
        1,
        5,
        [
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]

# (old size, new size, PROOF)
CONSISTENCY_VECTORS = [
    (1, 1, []),
    (
        1,
        8,
        [
            "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
        ],
    ),
    (
        6,
        8,
        [
            "0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        ],
    ),
    (
        2,
        5,
        [
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
        ],
    ),
]

# A widely published signed-note interoperability example. Ed25519 signatures are
# deterministic, so signing the same text with the same key must give the same bytes.
NOTE_SIGNER = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
NOTE_VERIFIER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
NOTE_TEXT = (
    "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n"
)
NOTE_SIGNED = (
    NOTE_TEXT
    + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


# ── Literal transcription of RFC 6962 §2.1, used as an independent oracle ────────────


def _sha(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def _k(n: int) -> int:
    # Counting up rather than bit tricks, so the oracle does not share the module's code.
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def ref_mth(d: list[bytes]) -> bytes:
    if not d:
        return _sha(b"")
    if len(d) == 1:
        return _sha(b"\x00" + d[0])
    k = _k(len(d))
    return _sha(b"\x01" + ref_mth(d[:k]) + ref_mth(d[k:]))


def ref_path(m: int, d: list[bytes]) -> list[bytes]:
    if len(d) == 1:
        return []
    k = _k(len(d))
    if m < k:
        return [*ref_path(m, d[:k]), ref_mth(d[k:])]
    return [*ref_path(m - k, d[k:]), ref_mth(d[:k])]


def ref_subproof(m: int, d: list[bytes], complete: bool) -> list[bytes]:
    n = len(d)
    if m == n:
        return [] if complete else [ref_mth(d)]
    k = _k(n)
    if m <= k:
        return [*ref_subproof(m, d[:k], complete), ref_mth(d[k:])]
    return [*ref_subproof(m - k, d[k:], False), ref_mth(d[:k])]


def ref_proof(m: int, d: list[bytes]) -> list[bytes]:
    return ref_subproof(m, d, True)


def flip(value: bytes, bit: int = 0) -> bytes:
    raw = bytearray(value)
    raw[(bit // 8) % len(raw)] ^= 1 << (bit % 8)
    return bytes(raw)


def hexes(hashes: list[bytes]) -> list[str]:
    return [h.hex() for h in hashes]


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
    assert tl.leaf_hash(b"") == _sha(b"\x00")
    left, right = tl.leaf_hash(b"a"), tl.leaf_hash(b"b")
    assert tl.node_hash(left, right) == _sha(b"\x01" + left + right)
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


# ── Keys and signed notes ────────────────────────────────────────────────────────────


def test_signed_note_matches_published_example_byte_for_byte():
    assert tl.verifier_from_signer(NOTE_SIGNER) == NOTE_VERIFIER
    assert tl.sign_note(NOTE_TEXT, NOTE_SIGNER) == NOTE_SIGNED
    assert tl.open_note(NOTE_SIGNED, NOTE_VERIFIER) == NOTE_TEXT
    assert tl.open_note(NOTE_SIGNED.encode(), NOTE_VERIFIER) == NOTE_TEXT


def test_generated_keys_have_the_documented_shape():
    signer, verifier = tl.generate_signer_key("moralbank.example/log")
    assert signer.startswith("PRIVATE+KEY+moralbank.example/log+")
    name, key_id, material = verifier.split("+", 2)
    assert name == "moralbank.example/log"
    raw = base64.b64decode(material)
    assert raw[0] == 0x01 and len(raw) == 33
    assert key_id == _sha(b"moralbank.example/log\n\x01" + raw[1:])[:4].hex()
    assert tl.verifier_from_signer(signer) == verifier


def test_sign_open_round_trip():
    signer, verifier = tl.generate_signer_key("log.example")
    text = "第一行 first line\nsecond\n"
    note = tl.sign_note(text, signer)
    assert note.startswith(text + "\n— log.example ")
    assert tl.open_note(note, verifier) == text


def test_tampered_note_is_refused():
    with pytest.raises(tl.SignatureError):
        tl.open_note(NOTE_SIGNED.replace("cryptography", "cryptographY"), NOTE_VERIFIER)
    signer, verifier = tl.generate_signer_key("log.example")
    note = tl.sign_note("hello\n", signer)
    with pytest.raises(tl.SignatureError):
        tl.open_note(note.replace("hello", "hellp"), verifier)
    sig = note.rsplit(" ", 1)[1].strip()
    raw = bytearray(base64.b64decode(sig))
    raw[10] ^= 1
    with pytest.raises(tl.SignatureError):
        tl.open_note(note.replace(sig, base64.b64encode(bytes(raw)).decode()), verifier)


def test_wrong_key_is_refused():
    signer, _ = tl.generate_signer_key("log.example")
    _, other_verifier = tl.generate_signer_key("log.example")
    note = tl.sign_note("hello\n", signer)
    with pytest.raises(tl.SignatureError, match="not signed by"):
        tl.open_note(note, other_verifier)
    with pytest.raises(tl.SignatureError):
        tl.open_note(NOTE_SIGNED, other_verifier)


def test_other_signers_are_ignored_but_one_valid_signature_is_required():
    signer, verifier = tl.generate_signer_key("log.example")
    witness, witness_verifier = tl.generate_signer_key("witness.example")
    note = tl.sign_note("hello\n", signer)
    cosigned = note + tl.sign_note("hello\n", witness).split("\n\n", 1)[1]
    assert tl.open_note(cosigned, verifier) == "hello\n"
    assert tl.open_note(cosigned, witness_verifier) == "hello\n"


@pytest.mark.parametrize(
    "note",
    [
        "hello\n",  # no signature block
        "hello\n\n",  # blank line but no signatures
        "hello\n\n— log.example AAAA",  # no final newline
        "hello\n\n- log.example AAAAAAAA\n",  # ASCII hyphen instead of em dash
        "hello\n\n— log.example\n",  # no signature
        "hello\n\n— log.example not*base64\n",
        "hello\n\n— log.example AAAA\n",  # too short to hold a key ID and signature
        "hel\x07lo\n\n— log.example AAAAAAAA\n",  # control character
        "hello\n\n— log.example AAAAAAAA\n\n",
    ],
)
def test_malformed_notes_are_refused(note):
    _, verifier = tl.generate_signer_key("log.example")
    with pytest.raises(tl.FormatError):
        tl.open_note(note, verifier)


def test_malformed_keys_are_refused():
    bad_verifiers = [
        "",
        "PeterNeumann",
        "PeterNeumann+c74f20a3",
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong key ID
        "PeterNeumann+c74f20a+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+Apc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
        "PeterNeumann+c74f20a3+AhpcQcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # not type 0x01
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
    ]
    for key in bad_verifiers:
        with pytest.raises(tl.FormatError):
            tl.open_note(NOTE_SIGNED, key)
    with pytest.raises(tl.FormatError):
        tl.sign_note(NOTE_TEXT, NOTE_VERIFIER)
    with pytest.raises(tl.FormatError):
        tl.sign_note(NOTE_TEXT, NOTE_SIGNER.replace("c74f20a3", "c74f20a4"))
    with pytest.raises(tl.FormatError):
        tl.sign_note("no newline", NOTE_SIGNER)
    for name in ["", "a+b", "a b", "a\tb"]:
        with pytest.raises(tl.FormatError):
            tl.generate_signer_key(name)


# ── Checkpoints ──────────────────────────────────────────────────────────────────────


def test_checkpoint_format_and_parse_round_trip():
    root8 = bytes.fromhex(ROOT_8_HEX)
    text = tl.format_checkpoint("moralbank.example/log", 8, root8)
    assert text == f"moralbank.example/log\n8\n{base64.b64encode(root8).decode()}\n"
    assert tl.parse_checkpoint(text) == ("moralbank.example/log", 8, root8)
    with_ext = tl.format_checkpoint("moralbank.example/log", 8, root8, ["ext one", "ext two"])
    assert with_ext.endswith("\next one\next two\n")
    assert tl.parse_checkpoint(with_ext) == ("moralbank.example/log", 8, root8)
    assert tl.parse_checkpoint(tl.format_checkpoint("o", 0, tl.EMPTY_ROOT)) == ("o", 0, tl.EMPTY_ROOT)


@pytest.mark.parametrize(
    "text",
    [
        "origin\n8\n",
        "origin\n8\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQyg=",  # no final newline
        "\n8\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQyg=\n",
        "origin\n08\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQyg=\n",
        "origin\n-8\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQyg=\n",
        "origin\n+8\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQyg=\n",
        "origin\n٨\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQyg=\n",  # non-ASCII digit
        f"origin\n{2**64}\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQyg=\n",
        "origin\n8\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQ=\n",  # 31 bytes
        "origin\n8\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQyg\n",  # unpadded
        "origin\n8\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQyh=\n",  # non-canonical
        "origin\n8\nXcnaeacGWamtVZy3Ad7Zoqudgjqtl0lgz+Nw7/RgQyg=\n\n",  # empty extension
    ],
)
def test_malformed_checkpoints_are_refused(text):
    with pytest.raises(tl.FormatError):
        tl.parse_checkpoint(text)


def test_format_checkpoint_rejects_bad_input():
    with pytest.raises(ValueError):
        tl.format_checkpoint("", 1, tl.EMPTY_ROOT)
    with pytest.raises(ValueError):
        tl.format_checkpoint("a\nb", 1, tl.EMPTY_ROOT)
    with pytest.raises(ValueError):
        tl.format_checkpoint("o", -1, tl.EMPTY_ROOT)
    with pytest.raises(ValueError):
        tl.format_checkpoint("o", 1, b"short")
    with pytest.raises(ValueError):
        tl.format_checkpoint("o", 1, tl.EMPTY_ROOT, [""])


# ── Bundles ──────────────────────────────────────────────────────────────────────────

ORIGIN = "moralbank.example/log"


@pytest.fixture(scope="module")
def log():
    """A signed log of 13 entries with checkpoints at sizes 5 and 13."""
    signer, verifier = tl.generate_signer_key(ORIGIN)
    entries = [json.dumps({"seq": i, "points": i * 10}, sort_keys=True).encode() for i in range(13)]
    tree = tl.MerkleTree([tl.leaf_hash(e) for e in entries])
    checkpoints = {
        size: tl.sign_note(tl.format_checkpoint(ORIGIN, size, tree.root(size)), signer) for size in (5, 13)
    }
    return {"signer": signer, "verifier": verifier, "entries": entries, "tree": tree, "cp": checkpoints}


def _inclusion(log, index=7, size=13):
    proof = log["tree"].inclusion_proof(index, size)
    return tl.inclusion_bundle(log["entries"][index], index, proof, log["cp"][size], log["verifier"])


def _consistency(log):
    proof = log["tree"].consistency_proof(5, 13)
    return tl.consistency_bundle(log["cp"][5], log["cp"][13], proof, log["verifier"])


def test_inclusion_bundle_round_trip(log):
    bundle = _inclusion(log)
    assert bundle["type"] == "inclusion"
    assert bundle["tree_size"] == 13
    assert base64.b64decode(bundle["entry"]) == log["entries"][7]
    summary = tl.verify_bundle(json.loads(json.dumps(bundle)))
    assert "#7" in summary and ORIGIN in summary and "13" in summary


def test_consistency_bundle_round_trip(log):
    bundle = _consistency(log)
    assert set(bundle) == {"type", "old_checkpoint", "new_checkpoint", "proof", "verifier_key"}
    summary = tl.verify_bundle(json.loads(json.dumps(bundle)))
    assert ORIGIN in summary and "5" in summary and "13" in summary


def test_builders_refuse_inputs_that_do_not_verify(log):
    proof = log["tree"].inclusion_proof(7, 13)
    with pytest.raises(tl.ProofError):
        tl.inclusion_bundle(log["entries"][6], 7, proof, log["cp"][13], log["verifier"])
    with pytest.raises(tl.ProofError):
        tl.consistency_bundle(log["cp"][13], log["cp"][5], [], log["verifier"])


@pytest.mark.parametrize(
    ("field", "value", "error"),
    [
        ("entry", base64.b64encode(b"forged").decode(), tl.ProofError),
        ("entry", "not base64!", tl.FormatError),
        ("index", 6, tl.ProofError),
        ("index", "7", tl.FormatError),
        ("tree_size", 12, tl.ProofError),
        ("proof", [], tl.ProofError),
        ("proof", "nope", tl.FormatError),
        ("type", "exclusion", tl.FormatError),
        (
            "verifier_key",
            "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",
            tl.SignatureError,
        ),
    ],
)
def test_tampered_inclusion_bundles_fail(log, field, value, error):
    bundle = {**_inclusion(log), field: value}
    with pytest.raises(error):
        tl.verify_bundle(bundle)


def test_inclusion_bundle_with_altered_checkpoint_fails(log):
    bundle = _inclusion(log)
    _, size, root_hash = tl.parse_checkpoint(tl.open_note(bundle["checkpoint"], log["verifier"]))
    forged_text = tl.format_checkpoint(ORIGIN, size, flip(root_hash))
    signature_block = bundle["checkpoint"].split("\n\n", 1)[1]
    with pytest.raises(tl.SignatureError):
        tl.verify_bundle({**bundle, "checkpoint": forged_text + "\n" + signature_block})
    # Re-signing with a different key is caught by pinning the trusted key.
    rogue_signer, rogue_verifier = tl.generate_signer_key(ORIGIN)
    rogue = tl.sign_note(forged_text, rogue_signer)
    with pytest.raises(tl.ProofError):
        tl.verify_bundle({**bundle, "checkpoint": rogue, "verifier_key": rogue_verifier})
    with pytest.raises(tl.SignatureError):
        tl.verify_bundle(
            {
                **bundle,
                "checkpoint": tl.sign_note(bundle["checkpoint"].split("\n\n")[0] + "\n", rogue_signer),
            },
            trusted_key=log["verifier"],
        )


def test_proof_against_an_older_checkpoint(log):
    bundle = _inclusion(log, index=3, size=5)
    assert bundle["tree_size"] == 5
    tl.verify_bundle(bundle)
    # The same proof does not fit the newer checkpoint.
    with pytest.raises(tl.ProofError):
        tl.verify_bundle({**bundle, "checkpoint": log["cp"][13], "tree_size": 13})


def test_tampered_consistency_bundles_fail(log):
    bundle = _consistency(log)
    proof = [base64.b64decode(p) for p in bundle["proof"]]
    tampered = [base64.b64encode(flip(proof[0])).decode(), *bundle["proof"][1:]]
    with pytest.raises(tl.ProofError):
        tl.verify_bundle({**bundle, "proof": tampered})
    with pytest.raises(tl.ProofError):
        tl.verify_bundle(
            {**bundle, "old_checkpoint": bundle["new_checkpoint"], "new_checkpoint": bundle["old_checkpoint"]}
        )
    with pytest.raises(tl.FormatError):
        tl.verify_bundle({**bundle, "old_checkpoint": None})
    # A checkpoint signed by the same key for a different log cannot be mixed in.
    other = tl.sign_note(tl.format_checkpoint("other.example/log", 5, log["tree"].root(5)), log["signer"])
    with pytest.raises(tl.ProofError, match="different logs"):
        tl.verify_bundle({**bundle, "old_checkpoint": other})
    # A forked log: same old checkpoint, a new checkpoint over rewritten history.
    forged_entries = [*log["entries"][:2], b"rewritten", *log["entries"][3:]]
    forged_tree = tl.MerkleTree([tl.leaf_hash(e) for e in forged_entries])
    forked = tl.sign_note(tl.format_checkpoint(ORIGIN, 13, forged_tree.root()), log["signer"])
    with pytest.raises(tl.ProofError):
        tl.verify_bundle(
            {
                **bundle,
                "new_checkpoint": forked,
                "proof": [base64.b64encode(p).decode() for p in forged_tree.consistency_proof(5)],
            }
        )


def test_verify_bundle_rejects_non_objects():
    with pytest.raises(tl.FormatError):
        tl.verify_bundle([])
    with pytest.raises(tl.FormatError):
        tl.verify_bundle({"type": "inclusion"})


# ── Command line and dependency floor ────────────────────────────────────────────────


def _cli(*args, stdin=None):
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    return subprocess.run(
        [sys.executable, "-m", "jiceng.transparency", *args],
        cwd=PROJECT_ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
    )


def test_cli_verifies_good_bundles(log, tmp_path):
    for name, bundle in (("inclusion.json", _inclusion(log)), ("consistency.json", _consistency(log))):
        path = tmp_path / name
        path.write_text(json.dumps(bundle, ensure_ascii=False), encoding="utf-8")
        result = _cli("verify", str(path))
        assert result.returncode == 0, result.stdout + result.stderr
        assert result.stdout.startswith("验证通过 / verified: ")
        assert result.stdout.count("\n") == 1
    result = _cli("verify", "-", stdin=json.dumps(_inclusion(log)))
    assert result.returncode == 0, result.stdout + result.stderr
    result = _cli("verify", str(tmp_path / "inclusion.json"), "--key", log["verifier"])
    assert result.returncode == 0, result.stdout + result.stderr


def test_cli_rejects_tampered_bundles(log, tmp_path):
    bundle = _inclusion(log)
    bundle["entry"] = base64.b64encode(b'{"points": 1000000, "seq": 7}').decode()
    path = tmp_path / "tampered.json"
    path.write_text(json.dumps(bundle), encoding="utf-8")
    result = _cli("verify", str(path))
    assert result.returncode == 1
    assert result.stdout.startswith("验证失败 / FAILED: ")
    assert "not proven" in result.stdout

    _, other_verifier = tl.generate_signer_key(ORIGIN)
    path.write_text(json.dumps(_inclusion(log)), encoding="utf-8")
    result = _cli("verify", str(path), "--key", other_verifier)
    assert result.returncode == 1
    assert "not signed by" in result.stdout

    (tmp_path / "junk.json").write_text("{not json", encoding="utf-8")
    assert _cli("verify", str(tmp_path / "junk.json")).returncode == 1
    assert _cli("verify", str(tmp_path / "missing.json")).returncode == 1


def test_module_imports_no_django():
    code = (
        "import sys; import jiceng.transparency; "
        "leaked = [m for m in sys.modules if m == 'django' or m.startswith('django.')]; "
        "assert not leaked, leaked; print('ok')"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr

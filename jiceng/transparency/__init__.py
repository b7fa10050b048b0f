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

This package is deliberately free of Django: it depends on the standard library and
``cryptography`` only, so that it can be handed to anyone as a standalone verifier.

Layout
------
* ``merkle``: leaf and node hashing, inclusion and consistency proofs and their
  RFC 9162 verification, and the incremental ``Frontier`` and ``MerkleTree``.
* ``note``: Ed25519 signer and verifier keys, C2SP signed notes, and checkpoints.
* ``stored``: ``NodeBuilder`` and ``StoredTree``, a tree kept in storage as its complete
  subtrees, so proofs read O(log n) stored nodes instead of rebuilding the tree.
* ``verify``: proof bundles (below), built and verified.
* ``cli`` and ``__main__``: the ``verify`` command.

Every public name is re-exported here, so ``from jiceng import transparency`` and
``transparency.verify_bundle(...)`` is all a caller needs.

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

from .cli import main
from .errors import FormatError, ProofError, SignatureError, VerificationError
from .merkle import (
    EMPTY_ROOT,
    HASH_SIZE,
    Frontier,
    MerkleTree,
    consistency_proof,
    consistency_proof_from_hashes,
    inclusion_proof,
    inclusion_proof_from_hashes,
    leaf_hash,
    node_hash,
    root,
    root_from_hashes,
    verify_consistency,
    verify_inclusion,
    verify_inclusion_hash,
)
from .note import (
    format_checkpoint,
    generate_signer_key,
    open_note,
    parse_checkpoint,
    sign_note,
    verifier_from_signer,
)
from .stored import NodeBuilder, StoredTree
from .verify import consistency_bundle, inclusion_bundle, verify_bundle

__all__ = [
    "EMPTY_ROOT",
    "HASH_SIZE",
    "FormatError",
    "Frontier",
    "MerkleTree",
    "NodeBuilder",
    "ProofError",
    "SignatureError",
    "StoredTree",
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

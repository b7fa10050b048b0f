"""Proof bundles: build them, and verify them against their signed checkpoints.

The bundle format is described in the package docstring (``jiceng.transparency``).
"""

from collections.abc import Sequence

from .errors import FormatError, ProofError, VerificationError
from .merkle import HASH_SIZE, leaf_hash, verify_consistency, verify_inclusion
from .note import _b64decode, _b64encode, _parse_verifier_key, open_note, parse_checkpoint


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

"""Transparency log, proof bundles, the command-line verifier, and the dependency floor.

Needs no Django; run with ``pytest -p no:django`` when no settings module is available.
"""

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jiceng import transparency as tl
from jiceng.tests.transparency_vectors import flip

PROJECT_ROOT = Path(__file__).resolve().parents[2]

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

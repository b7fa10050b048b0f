import base64
import json
import subprocess
import sys

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from jiceng import transparency
from jiceng.bank import ledger, log
from jiceng.bank.models import Account, Checkpoint, LogLeaf, Transfer
from jiceng.bank.tests.factories import funded_wallet
from jiceng.bank.verify import verify_district


@pytest.fixture
def busy(regions):
    """A few final and pending transfers in the district."""
    a1 = regions["A1"]
    wallet = funded_wallet(a1, 40)
    for i in range(5):
        t = ledger.award(wallet=wallet, community=a1, key=f"aw-{i}", amount=3 + i, reason="助人为乐")
        (ledger.post if i % 2 == 0 else ledger.void)(t)
    ledger.award(wallet=wallet, community=a1, key="still-pending", amount=9, reason="公示中")
    return wallet


def test_checkpoint_appends_final_transfers_only(regions, busy):
    cp = log.checkpoint(regions["district"])
    assert cp.size == 6  # the seed award and five resolved ones; the pending award waits
    assert LogLeaf.objects.count() == 6
    text = transparency.open_note(cp.note, log.verifier_key())
    origin, size, root = transparency.parse_checkpoint(text)
    assert (origin, size, root) == (log.origin(regions["district"]), 6, bytes(cp.root_hash))
    assert log.checkpoint(regions["district"]).pk == cp.pk  # nothing new: no new checkpoint


def test_a_resident_proof_verifies_without_django(regions, busy, tmp_path):
    log.checkpoint(regions["district"])
    t = Transfer.objects.get(key="aw-2")
    bundle = log.inclusion_bundle(t)
    assert json.loads(base64_entry(bundle))["id"] == t.pk
    assert "is in log" in transparency.verify_bundle(bundle)
    path = tmp_path / "proof.json"
    path.write_text(json.dumps(bundle))
    ok = subprocess.run(
        [sys.executable, "-m", "jiceng.transparency", "verify", str(path)], capture_output=True, text=True
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    tampered = base64_entry(bundle).replace(b'"amount":5', b'"amount":50')
    bundle["entry"] = base64.b64encode(tampered).decode("ascii")
    path.write_text(json.dumps(bundle))
    bad = subprocess.run(
        [sys.executable, "-m", "jiceng.transparency", "verify", str(path)], capture_output=True, text=True
    )
    assert bad.returncode == 1 and "验证失败" in bad.stdout


def base64_entry(bundle) -> bytes:
    return base64.b64decode(bundle["entry"])


def test_consistency_between_checkpoints(regions, busy):
    old = log.checkpoint(regions["district"])
    ledger.post(Transfer.objects.get(key="still-pending"))
    new = log.checkpoint(regions["district"])
    assert new.size == old.size + 1
    bundle = log.consistency_bundle(regions["district"], old, new)
    assert "without rewriting it" in transparency.verify_bundle(bundle)


def test_verify_finds_an_edited_transfer(regions, busy):
    log.checkpoint(regions["district"])
    assert verify_district(regions["district"])[0] == []
    t = Transfer.objects.get(key="aw-2")
    Transfer.objects.filter(pk=t.pk).update(reason="改过的事由")  # tampering behind the ledger's back
    problems, _ = verify_district(regions["district"])
    assert any("被改动过" in p and f"#{t.pk}" in p for p in problems)


def test_verify_finds_a_wrong_cached_balance_and_a_broken_sum(regions, busy):
    Account.objects.filter(pk=busy.pk).update(posted=999)
    problems, _ = verify_district(regions["district"])
    assert any("缓存余额" in p and "999" in p for p in problems)
    with pytest.raises(CommandError):
        call_command("ledger", "verify")


def test_verify_finds_a_rewritten_checkpoint(regions, busy):
    cp = log.checkpoint(regions["district"])
    Checkpoint.objects.filter(pk=cp.pk).update(note=cp.note.replace("\n6\n", "\n5\n"))
    problems, _ = verify_district(regions["district"])
    assert any("签名或格式无效" in p for p in problems)


def test_ledger_commands(regions, busy, capsys):
    call_command("ledger", "checkpoint")
    call_command("ledger", "verify")
    out = capsys.readouterr().out
    assert "检查点 6 条" in out and "校验通过" in out


def test_proofs_follow_new_checkpoints_from_the_cached_tree(regions, busy, django_assert_max_num_queries):
    t = Transfer.objects.get(key="aw-2")
    old = log.checkpoint(regions["district"])
    assert transparency.verify_bundle(log.inclusion_bundle(t))
    ledger.post(Transfer.objects.get(key="still-pending"))
    new = log.checkpoint(regions["district"])
    assert log.tree_for(new).size == new.size == old.size + 1
    with django_assert_max_num_queries(8):  # no rereading of every leaf
        bundle = log.inclusion_bundle(t)
    assert transparency.verify_bundle(bundle) and bundle["tree_size"] == new.size
    assert "without rewriting it" in transparency.verify_bundle(
        log.consistency_bundle(regions["district"], old, new)
    )

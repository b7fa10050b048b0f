"""`ledger verify` from the last passing run's mark, and what only `--full` finds."""

import datetime as dt
import threading

import pytest
from django.core.management import call_command
from django.db import connections

from jiceng.bank import ledger, log, verify
from jiceng.bank.models import Account, Checkpoint, Transfer, VerifyMark
from jiceng.bank.tests.factories import funded_wallet
from jiceng.bank.verify import verify_district


@pytest.fixture(autouse=True)
def no_overlap(monkeypatch):
    """Every transfer here is seconds old; the hour's overlap would re-read them all."""
    monkeypatch.setattr(verify, "OVERLAP", dt.timedelta(0))


@pytest.fixture
def marked(regions):
    """Two wallets with logged awards, one pending award, and a full run's mark."""
    a1, district = regions["A1"], regions["district"]
    w1 = funded_wallet(a1, 40, name="甲")
    w2 = funded_wallet(a1, 30, name="乙")
    ledger.award(wallet=w1, community=a1, key="inc-pending", amount=9, reason="公示中")
    log.checkpoint(district)
    problems, figures = verify_district(district)
    assert problems == [] and figures["mode"] == "full"
    return district, a1, w1, w2


def incremental(district):
    return verify_district(district, full=False)


def test_incremental_rereads_only_what_the_mark_does_not_hold(marked):
    district, a1, w1, _w2 = marked
    mark = VerifyMark.objects.get(district=district)
    assert mark.size == 2 and len(mark.open_ids) == 1  # the pending award
    for i in range(3):
        ledger.award(wallet=w1, community=a1, key=f"inc-new-{i}", amount=2, reason="新", pending=False)
    ledger.post(Transfer.objects.get(key="inc-pending"))
    log.checkpoint(district)
    problems, figures = incremental(district)
    assert problems == []
    assert figures["mode"] == "incremental" and figures["transfers"] == 4 and figures["new_leaves"] == 4
    mark = VerifyMark.objects.get(district=district)
    assert mark.size == 6 and mark.open_ids == []
    assert incremental(district)[1]["transfers"] == 0  # nothing new: nothing re-read


def test_a_pending_award_posted_after_the_mark_and_an_unlogged_one_count(marked):
    district, a1, w1, _w2 = marked
    ledger.post(Transfer.objects.get(key="inc-pending"))  # final, not yet in the log
    ledger.award(wallet=w1, community=a1, key="inc-held", amount=4, reason="新公示")
    problems, figures = incremental(district)
    assert problems == [] and figures["awaiting_checkpoint"] == 1
    log.checkpoint(district)
    assert incremental(district)[0] == []
    assert verify_district(district)[0] == []


def test_incremental_finds_a_cached_balance_changed_on_an_untouched_account(marked):
    district, _a1, _w1, w2 = marked
    Account.objects.filter(pk=w2.pk).update(posted=w2.posted + 5)
    problems, _ = incremental(district)
    assert any(f"账户 #{w2.pk}" in p and "缓存余额" in p for p in problems)
    assert any("凭空出现或消失" in p for p in problems)


def test_incremental_finds_points_moved_between_two_untouched_wallets(marked):
    district, _a1, w1, w2 = marked
    Account.objects.filter(pk=w1.pk).update(posted=w1.posted - 7)
    Account.objects.filter(pk=w2.pk).update(posted=w2.posted + 7)  # the total still adds up
    problems, _ = incremental(district)
    assert {p.split("：")[0] for p in problems if "缓存余额" in p} == {
        f"账户 #{w1.pk} 甲",
        f"账户 #{w2.pk} 乙",
    }


def test_incremental_finds_a_new_transfer_edited_after_its_checkpoint(marked):
    district, a1, w1, _w2 = marked
    t = ledger.award(wallet=w1, community=a1, key="inc-edit", amount=3, reason="原事由", pending=False)
    log.checkpoint(district)
    Transfer.objects.filter(pk=t.pk).update(reason="改过的事由")
    problems, _ = incremental(district)
    assert any(f"#{t.pk}" in p and "被改动过" in p for p in problems)


def test_an_old_edit_that_moves_balances_is_found_without_full(marked):
    district, _a1, w1, _w2 = marked
    old = Transfer.objects.get(credit=w1, key__startswith="seed")
    Transfer.objects.filter(pk=old.pk).update(amount=old.amount + 10)  # below the mark ...
    Account.objects.filter(pk=w1.pk).update(posted=w1.posted + 10)  # ... with the balance to match
    problems, _ = incremental(district)
    assert any(f"账户 #{w1.pk}" in p for p in problems)


def test_an_old_edit_that_leaves_balances_alone_is_found_only_by_full(marked):
    """The documented limit of the incremental mode, held to by a test so the docs stay true."""
    district, _a1, w1, _w2 = marked
    old = Transfer.objects.get(credit=w1, key__startswith="seed")
    Transfer.objects.filter(pk=old.pk).update(reason="改过的事由")
    assert incremental(district)[0] == []
    problems, _ = verify_district(district, full=True)
    assert any(f"#{old.pk}" in p and "被改动过" in p for p in problems)


@pytest.mark.parametrize("field", ["balances", "transfer_id", "open_ids"])
def test_a_rewritten_mark_is_refused(marked, field):
    district, _a1, w1, _w2 = marked
    mark = VerifyMark.objects.get(district=district)
    forged = {
        "balances": verify._pack({**verify._unpack(mark.balances), w1.pk: 999}),
        "transfer_id": mark.transfer_id + 100,
        "open_ids": [],
    }[field]
    VerifyMark.objects.filter(pk=mark.pk).update(**{field: forged})
    problems, _ = incremental(district)
    assert len(problems) == 1 and "标记被改动过" in problems[0]
    assert verify_district(district, full=True)[0] == []  # the full run writes a good mark again
    assert incremental(district)[0] == []


def test_a_rewritten_checkpoint_at_the_mark_is_found(marked):
    district = marked[0]
    cp = Checkpoint.objects.get(district=district, size=2)
    Checkpoint.objects.filter(pk=cp.pk).update(root_hash=b"\x00" * 32)
    problems, _ = incremental(district)
    assert any("已被删除或改动" in p for p in problems)


def test_a_failing_run_leaves_the_mark_where_it_was(marked):
    district, a1, w1, w2 = marked
    before = VerifyMark.objects.get(district=district)
    ledger.award(wallet=w1, community=a1, key="inc-after", amount=1, reason="新", pending=False)
    log.checkpoint(district)
    Account.objects.filter(pk=w2.pk).update(posted=0)
    assert incremental(district)[0]
    after = VerifyMark.objects.get(district=district)
    assert (after.size, after.seal) == (before.size, before.seal)


def test_the_command_runs_incremental_by_default_and_full_on_request(marked, capsys):
    call_command("ledger", "verify")
    call_command("ledger", "verify", "--full")
    out = capsys.readouterr().out
    assert "（增量，自日志第 2 条起）" in out and "（全量）" in out and out.count("校验通过") == 2


def test_without_a_mark_incremental_runs_in_full(regions):
    funded_wallet(regions["A1"], 10)
    problems, figures = verify_district(regions["district"], full=False)
    assert problems == [] and figures["mode"] == "full"


@pytest.mark.django_db(transaction=True)
def test_a_run_reads_one_snapshot_while_transfers_commit(regions):
    """An award committed by another connection between two reads of a run is not half seen."""
    a1, district = regions["A1"], regions["district"]
    wallet = funded_wallet(a1, 10)
    log.checkpoint(district)
    written = []

    def write_award(_step):
        if written or _step != "核对账户余额":
            return

        def award():
            ledger.award(wallet=wallet, community=a1, key="snap-1", amount=5, reason="并发", pending=False)
            connections.close_all()

        worker = threading.Thread(target=award)  # its own database connection
        worker.start()
        worker.join()
        written.append(True)

    for full in (True, False):
        written.clear()
        problems, figures = verify_district(district, write_award, full=full)
        assert written and problems == [], problems
        assert VerifyMark.objects.filter(district=district).exists()
    log.checkpoint(district)
    assert verify_district(district, full=False)[0] == []

"""The log's queue: the database queues every transfer that becomes final, whoever writes it, and a
checkpoint takes its new leaves from the queue instead of comparing every transfer with every leaf."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from jiceng.bank import ledger, log
from jiceng.bank.models import LogLeaf, LogQueue, Transfer
from jiceng.bank.tests.factories import funded_wallet
from jiceng.bank.verify import verify_district


def queued_keys() -> set[str]:
    return set(LogQueue.objects.values_list("transfer__key", flat=True))


def test_a_transfer_is_queued_when_it_becomes_final_and_leaves_the_queue_with_its_leaf(regions):
    a1 = regions["A1"]
    wallet = funded_wallet(a1, 40)  # the seed award is posted at once
    assert len(queued_keys()) == 1
    award = ledger.award(wallet=wallet, community=a1, key="on-notice", amount=5, reason="助人为乐")
    assert "on-notice" not in queued_keys()  # pending: not final, not queued
    ledger.post(award)
    voided = ledger.award(wallet=wallet, community=a1, key="objected", amount=3, reason="异议成立")
    ledger.void(voided)
    assert {"on-notice", "objected"} <= queued_keys()
    assert LogQueue.objects.get(transfer=award).district_id == regions["district"].pk

    cp = log.checkpoint(regions["district"])
    assert cp.size == 3 and LogQueue.objects.count() == 0
    assert set(LogLeaf.objects.values_list("transfer__key", flat=True)) >= {"on-notice", "objected"}
    assert log.checkpoint(regions["district"]).pk == cp.pk  # an empty queue: nothing new


def test_a_row_written_behind_the_ledger_is_queued_too(regions):
    """The trigger, not the ledger's Python, fills the queue: a bulk load or a repair is logged as well."""
    wallet = funded_wallet(regions["A1"], 10)
    t = Transfer.objects.get(credit=wallet)
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO bank_transfer (district_id, key, payload_hash, debit_id, credit_id, amount, kind,"
            " state, reason, cause_type, cause_id, created_at, resolved_at)"
            " SELECT district_id, 'by-hand', '', debit_id, credit_id, 2, kind, 'posted', reason, cause_type,"
            " cause_id, created_at, resolved_at FROM bank_transfer WHERE id = %s",
            [t.pk],
        )
    assert "by-hand" in queued_keys()
    log.checkpoint(regions["district"])
    assert LogLeaf.objects.filter(transfer__key="by-hand").exists()


def test_a_stale_queue_row_does_not_block_the_log(regions):
    """A queue row whose transfer already has its leaf is skipped and dropped, not logged twice."""
    funded_wallet(regions["A1"], 10)
    log.checkpoint(regions["district"])
    t = LogLeaf.objects.get().transfer
    LogQueue.objects.create(district=regions["district"], transfer=t, resolved_at=t.resolved_at)
    cp = log.checkpoint(regions["district"])
    assert cp.size == 1 and LogQueue.objects.count() == 0


def test_verify_reports_a_final_transfer_missing_from_the_queue(regions):
    funded_wallet(regions["A1"], 10)
    log.checkpoint(regions["district"])
    assert verify_district(regions["district"])[0] == []
    lost = ledger.award(
        wallet=funded_wallet(regions["A2"], 1), community=regions["A1"], key="lost", amount=4, reason="x"
    )
    ledger.post(lost)
    LogQueue.objects.filter(transfer=lost).delete()  # as if the trigger had been dropped
    problems, _ = verify_district(regions["district"], full=True)
    assert any("待入日志的队列" in p for p in problems), problems


@pytest.mark.parametrize("waited_minutes, due", [(1, False), (30, True)])
def test_overdue_districts_are_found_from_the_queue(regions, waited_minutes, due):
    funded_wallet(regions["A1"], 10)
    later = timezone.now() + dt.timedelta(minutes=waited_minutes)
    made = log.checkpoint_overdue(now=later)
    assert bool(made) is due
    assert LogQueue.objects.exists() is not due

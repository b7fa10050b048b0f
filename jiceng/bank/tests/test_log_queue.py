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


INSERT_BY_HAND = (
    "INSERT INTO bank_transfer (district_id, key, payload_hash, debit_id, credit_id, amount, kind,"
    " state, reason, cause_type, cause_id, created_at, resolved_at)"
    " SELECT district_id, %s, '', debit_id, credit_id, 2, kind, 'posted', reason, cause_type,"
    " cause_id, created_at, resolved_at FROM bank_transfer WHERE id = %s RETURNING id"
)


@pytest.mark.django_db(transaction=True)
def test_a_bulk_writer_pauses_the_queue_and_logs_what_it_wrote_by_id(regions):
    """`queue_paused` (the generator's, PostgreSQL): rows written inside it are not queued, a checkpoint
    given their ids logs them, and the triggers are on again afterwards, even after an error."""
    from jiceng.bank.checks import log_queue_triggers_check

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's triggers cannot be switched off: the generator keeps the queue there")
    wallet = funded_wallet(regions["A1"], 10)
    seed = Transfer.objects.get(credit=wallet)
    log.checkpoint(regions["district"])
    with log.queue_paused() as paused, connection.cursor() as cursor:
        assert paused and log.queue_triggers_off() == list(log.QUEUE_TRIGGERS)
        assert [e.id for e in log_queue_triggers_check()] == ["jiceng.E103"]
        ids = []
        for key in ("bulk-1", "bulk-2"):
            cursor.execute(INSERT_BY_HAND, [key, seed.pk])
            ids.append(cursor.fetchone()[0])
    assert log.queue_triggers_off() == [] and log_queue_triggers_check() == []
    assert not LogQueue.objects.exists()
    cp = log.checkpoint(regions["district"], written=(min(ids), max(ids) + 1))
    leaves = set(LogLeaf.objects.filter(transfer_id__in=ids).values_list("index", flat=True))
    assert cp.size == 3 and leaves == {1, 2} and not log.unlogged(regions["district"]).exists()

    with pytest.raises(RuntimeError), log.queue_paused():
        raise RuntimeError("the writer failed")
    assert log.queue_triggers_off() == []
    with connection.cursor() as cursor:
        cursor.execute(INSERT_BY_HAND, ["after", seed.pk])
    assert "after" in queued_keys()

"""The ledger's promises under replays, refusals, tampering and time (concurrency: test_concurrency.py)."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import QuerySet
from django.utils import timezone

from jiceng import transparency
from jiceng.bank import ledger, log
from jiceng.bank.ledger import InsufficientPoints, LedgerError, Spec
from jiceng.bank.models import Account, LogLeaf, Transfer, TransferKind, TransferState
from jiceng.bank.services import giving
from jiceng.bank.services.settlement import bank_settle
from jiceng.bank.tests.factories import funded_wallet
from jiceng.bank.verify import verify_district


def _specs(issuance, wallets, n, prefix="b"):
    return [
        Spec(key=f"{prefix}-{i}", debit=issuance.pk, credit=wallets[i % len(wallets)].pk, amount=2,
             kind="award", reason="批量奖励")
        for i in range(n)
    ]  # fmt: skip


@pytest.fixture
def batch(regions):
    a1 = regions["A1"]
    wallets = [funded_wallet(a1, 0, name=f"居民{i}") for i in range(3)]
    return ledger.issuance_account(a1), wallets


@pytest.mark.parametrize("n", [51, 1000])
def test_a_resent_batch_returns_the_original_transfers(regions, batch, n):
    issuance, wallets = batch
    first = ledger.transfer_batch(_specs(issuance, wallets, n), district=regions["district"], objects=False)
    again = ledger.transfer_batch(_specs(issuance, wallets, n), district=regions["district"], objects=False)
    assert again == first and Transfer.objects.filter(key__startswith="b-").count() == n
    assert (
        sum(Account.objects.filter(pk__in=[w.pk for w in wallets]).values_list("posted", flat=True)) == 2 * n
    )
    assert verify_district(regions["district"])[0] == []


def test_a_batch_with_half_its_keys_used_writes_only_the_other_half(regions, batch):
    issuance, wallets = batch
    half = ledger.transfer_batch(_specs(issuance, wallets, 500), district=regions["district"], objects=False)
    whole = ledger.transfer_batch(
        _specs(issuance, wallets, 1000), district=regions["district"], objects=False
    )
    assert whole[:500] == half and len(set(whole)) == 1000
    assert (
        sum(Account.objects.filter(pk__in=[w.pk for w in wallets]).values_list("posted", flat=True)) == 2000
    )
    assert verify_district(regions["district"])[0] == []


def test_a_refusal_runs_once_and_looks_up_no_key(regions, monkeypatch):
    wallet = funded_wallet(regions["A1"], 5)
    pool = ledger.love_pool(regions["A1"])
    calls = {"create": 0, "lookup": 0}
    real_create, real_existing = ledger._create, ledger._existing

    def counting_create(*args, **kwargs):
        calls["create"] += 1
        return real_create(*args, **kwargs)

    def counting_existing(*args, **kwargs):
        calls["lookup"] += 1
        return real_existing(*args, **kwargs)

    monkeypatch.setattr(ledger, "_create", counting_create)
    monkeypatch.setattr(ledger, "_existing", counting_existing)
    fields = dict(
        district=wallet.district_id, debit=wallet, credit=pool, kind=TransferKind.DONATION, reason="捐"
    )
    with pytest.raises(InsufficientPoints) as refused:
        ledger.transfer(key="too-much", amount=6, **fields)
    assert (refused.value.available, refused.value.needed) == (5, 6)
    assert calls == {"create": 1, "lookup": 0}
    ledger.transfer(key="fine", amount=5, **fields)
    assert calls == {"create": 2, "lookup": 0}  # a new key is never looked up either
    ledger.transfer(key="fine", amount=5, **fields)  # a replay: the database reports the key
    assert calls == {"create": 3, "lookup": 1}


def test_a_replay_is_answered_even_when_the_wallet_is_now_empty(regions):
    wallet = funded_wallet(regions["A1"], 5)
    pool = ledger.love_pool(regions["A1"])
    fields = dict(
        district=wallet.district_id, debit=wallet, credit=pool, kind=TransferKind.DONATION, reason="捐"
    )
    first = ledger.transfer(key="all-of-it", amount=5, **fields)
    assert ledger.transfer(key="all-of-it", amount=5, **fields).pk == first.pk


def test_resolving_a_transfer_read_stale_never_moves_its_balances_twice(regions, monkeypatch):
    """If a resolve ever acted on a stale read (rows not locked), it must not move the balances again."""
    wallet = funded_wallet(regions["A1"], 0)
    t = ledger.award(wallet=wallet, community=regions["A1"], key="a", amount=7, reason="好事")
    stale = Transfer.objects.get(pk=t.pk)  # read while pending
    ledger.post(t)

    class StaleRead:
        def filter(self, *args, **kwargs):
            return self

        def order_by(self, *args):
            return [stale]

    real_select_for_update = QuerySet.select_for_update

    def select_for_update(qs, *args, **kwargs):
        """A locked read of transfers returns the pending copy read earlier."""
        return StaleRead() if qs.model is Transfer else real_select_for_update(qs, *args, **kwargs)

    monkeypatch.setattr(QuerySet, "select_for_update", select_for_update)
    try:
        ledger.post_batch([t.pk])  # refused, or answered as the replay it is
    except LedgerError:
        pass
    monkeypatch.undo()
    wallet.refresh_from_db()
    assert (wallet.posted, wallet.pending_in) == (7, 0)
    assert verify_district(regions["district"])[0] == []


# ---------------------------------------------------------------- verify: each check can fail


@pytest.fixture
def donated(regions):
    wallet = funded_wallet(regions["A1"], 30)
    d = giving.donation_create(person=wallet.person, points=10, request_id="v1")
    assert verify_district(regions["district"])[0] == []
    return wallet, d


def test_verify_finds_points_that_appear_from_nowhere(regions, donated):
    wallet, _d = donated
    Account.objects.filter(pk=wallet.pk).update(posted=wallet.posted + 50)  # cache only
    problems, _ = verify_district(regions["district"])
    assert any("凭空出现或消失" in p for p in problems)


def test_verify_finds_a_balance_written_on_an_issuance_account(regions, donated):
    issuance = ledger.issuance_account(regions["A1"])
    Account.objects.filter(pk=issuance.pk).update(posted=-30)
    problems, _ = verify_district(regions["district"])
    assert any("发行账户" in p and f"#{issuance.pk}" in p for p in problems)


def test_verify_finds_a_consistent_change_of_amount_and_balances_before_the_log(regions, donated):
    wallet, d = donated
    pool = ledger.love_pool(regions["A1"])
    Transfer.objects.filter(pk=d.transfer_id).update(amount=1)  # ... and both balances to match
    Account.objects.filter(pk=wallet.pk).update(posted=wallet.posted + 9)
    Account.objects.filter(pk=pool.pk).update(posted=1)
    problems, _ = verify_district(regions["district"])
    assert any(f"捐赠 #{d.pk}" in p and "10 分" in p for p in problems)


def test_verify_finds_a_leaf_no_checkpoint_signed(regions, donated):
    district = regions["district"]
    log.checkpoint(district)
    wallet, _d = donated
    t = ledger.award(wallet=wallet, community=regions["A1"], key="late", amount=1, reason="r", pending=False)
    size = LogLeaf.objects.filter(district=district).count()
    LogLeaf.objects.create(
        district=district, index=size, transfer=t, leaf_hash=transparency.leaf_hash(log.transfer_entry(t))
    )
    problems, _ = verify_district(district)
    assert any("未经签名" in p for p in problems)


def test_verify_reports_final_transfers_kept_out_of_the_log_too_long(regions, donated):
    _wallet, d = donated
    old = timezone.now() - log.log_within() - dt.timedelta(minutes=1)
    Transfer.objects.filter(pk=d.transfer_id).update(resolved_at=old)
    problems, _ = verify_district(regions["district"])
    assert any("仍未记入透明日志" in p for p in problems)
    log.checkpoint(regions["district"])
    assert verify_district(regions["district"])[0] == []


# ---------------------------------------------------------------- the bounded time to the log


def test_settle_logs_donations_that_waited_half_the_bound(regions, donated):
    """No award settles here, yet the donation goes into the log once it has waited long enough."""
    _wallet, d = donated
    assert bank_settle() == 0
    assert not LogLeaf.objects.filter(transfer_id=d.transfer_id).exists()  # fresh: it may wait a little
    later = timezone.now() + log.log_within() / 2 + dt.timedelta(seconds=1)
    assert bank_settle(now=later) == 0
    assert LogLeaf.objects.filter(transfer_id=d.transfer_id).exists()
    assert verify_district(regions["district"], now=later + log.log_within())[0] == []


def test_a_posted_transfer_is_final_in_the_log_once(regions, donated):
    log.checkpoint(regions["district"])
    assert not log.unlogged(regions["district"]).exists()
    assert Transfer.objects.filter(state=TransferState.POSTED, leaf__isnull=False).count() >= 2


def test_the_single_statement_write_is_the_one_postgresql_uses(regions):
    """Small batches on PostgreSQL insert, lock, check and move balances in one statement."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only")
    wallet = funded_wallet(regions["A1"], 10)
    pool = ledger.love_pool(regions["A1"])
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as ctx:
        ledger.transfer(district=wallet.district_id, key="one", debit=wallet.pk, credit=pool.pk, amount=3,
                        kind="donation", reason="捐")  # fmt: skip
    writes = [q["sql"] for q in ctx.captured_queries if "bank_" in q["sql"]]
    assert len(writes) == 1, writes

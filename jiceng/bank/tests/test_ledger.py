import pytest
from django.utils import timezone

from jiceng.bank import ledger
from jiceng.bank.ledger import AlreadyResolved, IdempotencyConflict, InsufficientPoints, LedgerError, Spec
from jiceng.bank.models import Donation, Transfer, TransferKind, TransferState
from jiceng.bank.tests.factories import funded_wallet
from jiceng.bank.verify import verify_district
from jiceng.people.models import Person


@pytest.fixture
def a1(regions):
    return regions["A1"]


def test_it_awards_pending_points_that_cannot_be_spent(regions, a1):
    wallet = funded_wallet(a1, 0)
    t = ledger.award(wallet=wallet, community=a1, key="claim-1", amount=30, reason="助人为乐")
    wallet.refresh_from_db()
    assert (wallet.available, wallet.pending_in) == (0, 30)
    pool = ledger.love_pool(a1)
    with pytest.raises(InsufficientPoints, match="可用积分不足"):
        ledger.transfer(
            district=regions["district"],
            key="spend",
            debit=wallet,
            credit=pool,
            amount=1,
            kind=TransferKind.DONATION,
            reason="捐赠",
        )
    ledger.post(t)
    wallet.refresh_from_db()
    assert (wallet.available, wallet.pending_in) == (30, 0)


def test_it_never_lets_a_wallet_go_negative(regions, a1):
    wallet = funded_wallet(a1, 10)
    pool = ledger.love_pool(a1)
    with pytest.raises(InsufficientPoints):
        ledger.transfer(
            district=regions["district"],
            key="too-much",
            debit=wallet,
            credit=pool,
            amount=11,
            kind=TransferKind.DONATION,
            reason="捐赠",
        )
    assert not Transfer.objects.filter(key="too-much").exists()
    wallet.refresh_from_db()
    assert wallet.available == 10


def test_pending_spends_hold_points(regions, a1):
    wallet = funded_wallet(a1, 10)
    pool = ledger.love_pool(a1)
    hold = ledger.transfer(
        district=regions["district"],
        key="hold",
        pending=True,
        debit=wallet,
        credit=pool,
        amount=8,
        kind=TransferKind.REDEMPTION,
        reason="兑换",
    )
    wallet.refresh_from_db()
    assert (wallet.posted, wallet.available) == (10, 2)
    with pytest.raises(InsufficientPoints):
        ledger.transfer(
            district=regions["district"],
            key="hold-2",
            pending=True,
            debit=wallet,
            credit=pool,
            amount=3,
            kind=TransferKind.REDEMPTION,
            reason="兑换",
        )
    ledger.void(hold)
    wallet.refresh_from_db()
    assert (wallet.posted, wallet.available, wallet.pending_out) == (10, 10, 0)


def test_a_replayed_key_returns_the_original(regions, a1):
    wallet = funded_wallet(a1, 0)
    first = ledger.award(wallet=wallet, community=a1, key="k", amount=5, reason="r")
    again = ledger.award(wallet=wallet, community=a1, key="k", amount=5, reason="r")
    assert first.pk == again.pk
    wallet.refresh_from_db()
    assert wallet.pending_in == 5


def test_a_key_with_another_payload_is_refused(regions, a1):
    wallet = funded_wallet(a1, 0)
    ledger.award(wallet=wallet, community=a1, key="k", amount=5, reason="r")
    with pytest.raises(IdempotencyConflict, match="幂等键 k"):
        ledger.award(wallet=wallet, community=a1, key="k", amount=6, reason="r")


def test_a_pending_transfer_resolves_exactly_once(regions, a1):
    wallet = funded_wallet(a1, 0)
    t = ledger.award(wallet=wallet, community=a1, key="k", amount=5, reason="r")
    ledger.post(t)
    ledger.post(t)  # a replay changes nothing
    wallet.refresh_from_db()
    assert wallet.posted == 5
    with pytest.raises(AlreadyResolved, match="已入账"):
        ledger.void(t)
    v = ledger.award(wallet=wallet, community=a1, key="k2", amount=5, reason="r")
    ledger.void(v)
    with pytest.raises(AlreadyResolved):
        ledger.post(v)


def test_reverse_writes_an_opposite_transfer_once(regions, a1):
    wallet = funded_wallet(a1, 0)
    t = ledger.award(wallet=wallet, community=a1, key="k", amount=5, reason="r", pending=False)
    r = ledger.reverse(t, key="undo", reason="误发")
    assert (r.debit_id, r.credit_id, r.reverses_id, r.kind) == (t.credit_id, t.debit_id, t.pk, "reversal")
    assert ledger.reverse(t, key="undo", reason="误发").pk == r.pk  # replay
    with pytest.raises(AlreadyResolved, match="已经冲正"):
        ledger.reverse(t, key="undo-2", reason="误发")
    wallet.refresh_from_db()
    assert wallet.posted == 0


def test_reversing_spent_points_is_refused(regions, a1):
    wallet = funded_wallet(a1, 0)
    t = ledger.award(wallet=wallet, community=a1, key="k", amount=5, reason="r", pending=False)
    ledger.transfer(
        district=regions["district"],
        key="spend",
        debit=wallet,
        credit=ledger.love_pool(a1),
        amount=5,
        kind=TransferKind.DONATION,
        reason="捐赠",
    )
    with pytest.raises(InsufficientPoints):
        ledger.reverse(t, key="undo", reason="误发")


def test_a_batch_is_all_or_nothing(regions, a1):
    rich, poor = funded_wallet(a1, 10, "甲"), funded_wallet(a1, 1, "乙")
    pool = ledger.love_pool(a1)
    specs = [
        Spec(key="b1", debit=rich, credit=pool, amount=5, kind="donation", reason="捐赠"),
        Spec(key="b2", debit=poor, credit=pool, amount=5, kind="donation", reason="捐赠"),
    ]
    with pytest.raises(InsufficientPoints, match="乙"):
        ledger.transfer_batch(specs, district=regions["district"])
    assert not Transfer.objects.filter(key__in=["b1", "b2"]).exists()
    rich.refresh_from_db()
    assert rich.available == 10


@pytest.mark.parametrize("amount", [0, -3, 1.5, True, "5"])
def test_it_refuses_amounts_that_are_not_positive_integers(regions, a1, amount):
    wallet = funded_wallet(a1, 0)
    with pytest.raises(LedgerError, match="大于 0 的整数"):
        ledger.award(wallet=wallet, community=a1, key="k", amount=amount, reason="r")


def test_it_refuses_accounts_of_another_district(regions, a1, db):
    from jiceng.regions.models import Region

    other = Region.objects.create(code="510104000000", name="锦江区", level="district")
    wallet = funded_wallet(a1, 5)
    foreign = ledger.district_account(other, "外区账户")
    with pytest.raises(LedgerError, match="不属于本区"):
        ledger.transfer(
            district=regions["district"],
            key="x",
            debit=wallet,
            credit=foreign,
            amount=1,
            kind="adjustment",
            reason="r",
        )


def test_verify_passes_and_states_stay_consistent(regions, a1):
    wallet = funded_wallet(a1, 50)
    pool = ledger.love_pool(a1)
    ledger.transfer(
        district=regions["district"],
        key="d",
        debit=wallet,
        credit=pool,
        amount=20,
        kind="donation",
        reason="捐赠",
    )
    ledger.award(wallet=wallet, community=a1, key="p", amount=7, reason="r")
    problems, figures = verify_district(regions["district"])
    assert problems == []
    assert figures["transfers"] == 3
    assert Transfer.objects.filter(state=TransferState.PENDING).count() == 1


def _given_donation(regions, a1, wallet, given, key):
    note = ledger.Row(
        Donation,
        {
            "district_id": regions["district"].pk,
            "donor_id": wallet.person_id,
            "community_id": a1.pk,
            "recipient_id": None,
            "points": 5,
            "message": "",
            "created_at": timezone.now(),
        },
    )
    return ledger.transfer_with(
        [note],
        given=given,
        district=regions["district"],
        key=key,
        debit=wallet,
        credit=ledger.love_pool(a1),
        amount=5,
        kind=TransferKind.DONATION,
        reason="捐赠",
    )


def test_a_write_given_a_row_writes_only_while_the_row_holds(regions, a1):
    """`Given`: the statement locks the row and writes nothing, transfer or riding row, when it no longer
    meets the condition a use case checked it by."""
    wallet = funded_wallet(a1, 10)
    person = wallet.person
    holds = ledger.Given(Person, person.pk, "y.name = %s", (person.name,))
    changed = ledger.Given(Person, person.pk, "y.name = %s", ("别人",))
    with pytest.raises(ledger.NotGiven):
        _given_donation(regions, a1, wallet, changed, "given-no")
    assert not Transfer.objects.filter(key="given-no").exists()
    assert not Donation.objects.filter(donor=person).exists()
    wallet.refresh_from_db()
    assert wallet.available == 10
    t, ((pk,),) = _given_donation(regions, a1, wallet, holds, "given-yes")
    assert Donation.objects.get(pk=pk).transfer_id == t.pk
    wallet.refresh_from_db()
    assert wallet.available == 5
    assert verify_district(regions["district"])[0] == []

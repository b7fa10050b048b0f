"""Random sequences of ledger operations, with the invariants checked after every step."""

import itertools

import pytest
from django.db.models import Count
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from conftest import make_person
from jiceng.bank import ledger
from jiceng.bank.ledger import LedgerError
from jiceng.bank.models import Account, Transfer, TransferKind, TransferState
from jiceng.bank.verify import recompute
from jiceng.regions.models import Region

_districts = itertools.count(1)


class LedgerMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        # Each run gets its own district, so runs never see each other's keys or sums.
        n = next(_districts)
        self.district = Region.objects.create(code=f"51{n:04d}000000", name=f"测试区{n}", level="district")
        self.community = Region.objects.create(code=f"51{n:04d}001001", name="测试社区", level="community")
        self.wallets = [
            ledger.wallet_open(make_person(self.community, f"居民{i}", district_id=self.district.pk))
            for i in range(3)
        ]
        self.pool = ledger.love_pool(self.community)
        self.keys: dict[str, int] = {}
        self.calls: list[tuple] = []
        self.counter = itertools.count()

    def _key(self):
        return f"k{next(self.counter)}"

    def _remember(self, call, fn):
        try:
            t = fn()
        except LedgerError:
            return None
        self.keys.setdefault(call[0], t.pk)
        assert self.keys[call[0]] == t.pk
        self.calls.append((call, fn))
        return t

    @rule(who=st.integers(0, 2), amount=st.integers(1, 40), pending=st.booleans())
    def award(self, who, amount, pending):
        key = self._key()
        self._remember(
            (key,),
            lambda: ledger.award(
                wallet=self.wallets[who],
                community=self.community,
                key=key,
                amount=amount,
                reason="奖励",
                pending=pending,
            ),
        )

    @rule(src=st.integers(0, 2), dst=st.integers(0, 3), amount=st.integers(1, 40), pending=st.booleans())
    def spend(self, src, dst, amount, pending):
        credit = self.pool if dst == 3 else self.wallets[dst]
        if credit.pk == self.wallets[src].pk:
            return
        key = self._key()
        kind = TransferKind.REDEMPTION if pending else TransferKind.DONATION
        self._remember(
            (key,),
            lambda: ledger.transfer(
                district=self.district,
                key=key,
                pending=pending,
                debit=self.wallets[src],
                credit=credit,
                amount=amount,
                kind=kind,
                reason="变动",
            ),
        )

    @precondition(lambda self: Transfer.objects.filter(district=self.district, state="pending").exists())
    @rule(data=st.data(), post=st.booleans())
    def resolve(self, data, post):
        # In id order: hypothesis draws by position, and a table's physical order changes with its updates.
        ids = list(
            Transfer.objects.filter(district=self.district, state="pending")
            .order_by("id")
            .values_list("id", flat=True)
        )
        pick = data.draw(st.sampled_from(ids))
        try:
            (ledger.post_batch if post else ledger.void_batch)([pick])
        except LedgerError:
            pass

    @precondition(lambda self: Transfer.objects.filter(district=self.district, state="posted").exists())
    @rule(data=st.data())
    def reverse(self, data):
        ids = list(
            Transfer.objects.filter(district=self.district, state="posted")
            .exclude(kind="reversal")
            .order_by("id")
            .values_list("id", flat=True)
        )
        if not ids:
            return
        t = Transfer.objects.get(pk=data.draw(st.sampled_from(ids)))
        key = f"rev-{t.pk}"
        self._remember((key,), lambda: ledger.reverse(t, key=key, reason="冲正"))

    @precondition(lambda self: bool(self.calls))
    @rule(data=st.data())
    def replay(self, data):
        call, fn = data.draw(st.sampled_from(self.calls))
        assert fn().pk == self.keys[call[0]]

    @invariant()
    def district_sums_to_zero(self):
        sums = recompute(self.district.pk)
        assert sum(v[0] for v in sums.values()) == 0
        assert sum(v[1] for v in sums.values()) == sum(v[2] for v in sums.values())

    @invariant()
    def cached_equals_recomputed_and_nothing_negative(self):
        sums = recompute(self.district.pk)
        for acc in Account.objects.filter(district=self.district).exclude(kind="issuance"):
            assert (acc.posted, acc.pending_in, acc.pending_out) == sums.get(acc.pk, (0, 0, 0))
            assert acc.available >= 0

    @invariant()
    def each_key_maps_to_one_transfer(self):
        dupes = (
            Transfer.objects.filter(district=self.district)
            .values("key")
            .annotate(n=Count("id"))
            .filter(n__gt=1)
        )
        assert not dupes.exists()
        for key, pk in self.keys.items():
            assert Transfer.objects.get(district=self.district, key=key).pk == pk

    @invariant()
    def final_states_stay_final(self):
        assert not Transfer.objects.filter(
            district=self.district, state=TransferState.PENDING, resolved_at__isnull=False
        ).exists()


@pytest.mark.django_db
def test_ledger_invariants_hold_for_random_operation_sequences(regions):
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=40,
            stateful_step_count=30,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
        ),
    )

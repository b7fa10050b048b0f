"""The single-transfer service paths send a fixed, small number of statements.

A transfer's cost on a real server is mostly round trips and planning, which do not
depend on the machine's load, so these ceilings stand in for a timed budget: a change
that adds a lookup to donate, redeem, collect or award fails here. Counted through the
connection's execute wrappers, which also see the ledger's prepared statements; on
SQLite the count includes `BEGIN IMMEDIATE`. The tests commit (the account-id cache
fills only from committed rows), so they run with transactions.
"""

import datetime as dt
import uuid

import pytest
from django.db import connection, transaction
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as hst

from conftest import make_person
from jiceng.bank import ledger
from jiceng.bank.errors import ClaimError
from jiceng.bank.models import (
    Account,
    ClaimState,
    DeedClaim,
    Donation,
    Notice,
    Redemption,
    RedemptionState,
    Review,
    Transfer,
)
from jiceng.bank.services import giving, reviews, rewards
from jiceng.bank.statements import _adapted
from jiceng.bank.tests.factories import file_claim, rules_seeded
from jiceng.bank.tests.test_rewards import fund, make_partner, make_reward
from jiceng.bank.verify import verify_district

pytestmark = pytest.mark.django_db(transaction=True)

# Statements a warm path sends inside its transaction. On PostgreSQL the use case's own rows
# ride in the ledger's statement: donate and collect are that one statement, redeem adds the
# reward's lock, award the claim's lock (a submitted claim has no earlier review to look for).
CEILINGS = {
    "postgresql": {"donate": 1, "redeem": 2, "collect": 1, "award": 2},
    "sqlite": {"donate": 4, "redeem": 6, "collect": 5, "award": 7},
}


class Statements:
    def __init__(self):
        self.sql: list[str] = []

    def __call__(self, execute, sql, params, many, context):
        self.sql.append(sql)
        return execute(sql, params, many, context)


def counted(fn) -> list[str]:
    seen = Statements()
    with connection.execute_wrapper(seen):
        fn()
    return seen.sql


def ceiling(path: str) -> int:
    return CEILINGS[connection.vendor][path]


@pytest.fixture
def world(personas, regions):
    person = personas["resident"].person
    fund(person, 1000)
    partner = make_partner(personas["unit"], personas["sub_admin"])
    reward = make_reward(partner, personas["unit"], points_price=1, stock=100, per_person_limit=100)
    return {"person": person, "partner": partner, "reward": reward, "personas": personas}


def donate(person):
    return giving.donation_create(person=person, points=1, request_id=uuid.uuid4().hex)


def test_a_donation_is_the_ledger_statement_and_its_row(world):
    person = world["person"]
    donate(person)  # warms the account-id cache, as any earlier request of the process would
    sql = counted(lambda: donate(person))
    assert len(sql) <= ceiling("donate"), sql
    assert not any("FROM bank_account WHERE person_id" in s for s in sql), "the wallet was looked up"
    assert Donation.objects.filter(donor=person).count() == 2


@pytest.mark.skipif(connection.vendor != "postgresql", reason="prepared statements are PostgreSQL's")
def test_the_ledger_statement_is_planned_once_per_connection(world):
    """Django turns psycopg's preparing off; the settings turn it back on for the ledger alone."""
    person = world["person"]
    for _i in range(3):
        donate(person)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT statement FROM pg_prepared_statements WHERE statement LIKE %s",
            ["%INSERT INTO bank_donation%"],
        )
        prepared = cursor.fetchall()
        cursor.execute("SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE %s", ["%core_user%"])
        orm = cursor.fetchone()[0]
    assert len(prepared) == 1, "the donation's statement is not prepared, so it is planned every time"
    assert orm == 0, "ORM queries are prepared too, which fills the server's memory with one-off plans"


postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="SQLite takes its write lock with BEGIN IMMEDIATE"
)


def _no_transaction_around(fn) -> list[str]:
    """Run `fn`; each statement it sends, with the server's transaction state just after it: IDLE when
    the statement committed by itself, INTRANS when a BEGIN had opened a transaction around it."""
    seen: list[str] = []

    def spy(execute, sql, params, many, context):
        try:
            return execute(sql, params, many, context)
        finally:
            seen.append(f"{connection.connection.info.transaction_status.name}: {sql.split()[0]}")

    with connection.execute_wrapper(spy):
        fn()
    return seen


@postgresql_only
def test_a_donation_is_its_own_transaction_on_postgresql(world):
    """One statement is the whole use case: no BEGIN before it and no COMMIT after, two round trips saved."""
    person = world["person"]
    donate(person)
    seen = _no_transaction_around(lambda: donate(person))
    assert seen == ["IDLE: WITH"], seen
    assert connection.connection.info.transaction_status.name == "IDLE"  # committed, nothing left open
    assert Donation.objects.filter(donor=person).count() == 2


@postgresql_only
def test_a_refused_donation_on_its_own_writes_nothing_and_gives_the_numbers(world):
    person = world["person"]
    donate(person)
    wallet = Account.objects.get(pk=ledger.wallet_id(person))
    transfers = wallet.debits.count()
    with pytest.raises(giving.GivingError, match=f"您现在可用 {wallet.available} 分"):
        giving.donation_create(person=person, points=wallet.available + 1, request_id="too-much")
    assert wallet.debits.count() == transfers
    assert not Donation.objects.filter(donor=person, points=wallet.available + 1).exists()
    assert Account.objects.get(pk=wallet.pk).available == wallet.available
    assert verify_district(person.district)[0] == []


@postgresql_only
def test_a_donation_sent_twice_on_its_own_returns_the_first(world):
    person = world["person"]
    first = giving.donation_create(person=person, points=3, request_id="twice")
    again = giving.donation_create(person=person, points=3, request_id="twice")
    assert again.pk == first.pk and again.transfer_id == first.transfer_id
    assert Donation.objects.filter(donor=person).count() == 1


@postgresql_only
def test_collecting_a_voucher_is_its_own_transaction_on_postgresql(world):
    person, reward = world["person"], world["reward"]
    r = rewards.redemption_create(person=person, reward=reward, request_id=uuid.uuid4().hex)
    unit = world["personas"]["unit"]
    seen = _no_transaction_around(
        lambda: rewards.redemption_collect(user=unit, partner=world["partner"], code=r.code)
    )
    assert seen == ["IDLE: WITH"], seen
    assert Redemption.objects.get(pk=r.pk).state == RedemptionState.COLLECTED


@postgresql_only
def test_an_approval_that_awards_is_a_read_and_its_own_statement(world, regions):
    rules = rules_seeded(regions["district"])
    person, worker = world["person"], world["personas"]["worker"]
    claims = [file_claim(world["personas"]["resident"], person, rules["helping"]) for _i in range(2)]
    reviews.claim_review(reviewer=worker, claim=claims[0], approve=True)
    seen = _no_transaction_around(
        lambda: reviews.claim_review(reviewer=worker, claim=claims[1], approve=True)
    )
    assert seen == ["IDLE: SELECT", "IDLE: WITH"], seen
    claim = claims[1].__class__.objects.get(pk=claims[1].pk)
    assert claim.state == ClaimState.ON_NOTICE and Notice.objects.filter(claim=claim).count() == 1
    assert verify_district(regions["district"])[0] == []


@postgresql_only
def test_a_claim_reviewed_between_the_read_and_the_write_is_refused_and_nothing_is_written(
    world, regions, monkeypatch
):
    """Another worker rejects the claim after this approval read it: the statement, given a submitted
    claim, writes nothing, and the locked way reads the claim again and says why."""
    rules = rules_seeded(regions["district"])
    person, worker = world["person"], world["personas"]["worker"]
    claim = file_claim(world["personas"]["resident"], person, rules["helping"])
    real = reviews.claim_can_review
    calls = []

    def meanwhile(user, c):
        calls.append(c.state)
        if len(calls) == 1:  # between the read and the statement, someone else decides
            DeedClaim.objects.filter(pk=claim.pk).update(state=ClaimState.REJECTED, reject_reason="重复申报")
        return real(user, c)

    monkeypatch.setattr(reviews, "claim_can_review", meanwhile)
    with pytest.raises(ClaimError, match="无需再审核"):
        reviews.claim_review(reviewer=worker, claim=claim, approve=True)
    assert calls == [ClaimState.SUBMITTED, ClaimState.REJECTED]  # read again, under the lock
    assert not Review.objects.filter(claim=claim).exists()
    assert not Notice.objects.filter(claim=claim).exists()
    assert not Transfer.objects.filter(key=f"claim-{claim.pk}").exists()
    assert verify_district(regions["district"])[0] == []


@postgresql_only
def test_a_one_statement_use_case_may_not_write_twice(world):
    person = world["person"]
    wallet, pool = ledger.wallet_id(person), ledger.love_pool_id(person.community)

    def twice():
        for i in range(2):
            ledger.transfer(
                district=person.district_id,
                key=f"twice-{i}",
                debit=wallet,
                credit=pool,
                amount=1,
                kind="donation",
                reason="两次",
            )

    with pytest.raises(AssertionError, match="second ledger step"):
        ledger.one_transaction(twice, one_statement=True)


def test_a_redemption_reads_its_reward_once_and_leaves_the_code_to_the_constraint(world):
    person, reward = world["person"], world["reward"]
    rewards.redemption_create(person=person, reward=reward, request_id=uuid.uuid4().hex)
    sql = counted(
        lambda: rewards.redemption_create(person=person, reward=reward, request_id=uuid.uuid4().hex)
    )
    assert len(sql) <= ceiling("redeem"), sql
    assert sum("bank_reward" in s and s.lstrip().startswith("SELECT") for s in sql) == 1
    assert Redemption.objects.filter(person=person, state=RedemptionState.PENDING).count() == 2


def test_collecting_a_voucher(world):
    person, reward = world["person"], world["reward"]
    unit = world["personas"]["unit"]
    first, second = (
        rewards.redemption_create(person=person, reward=reward, request_id=uuid.uuid4().hex)
        for _i in range(2)
    )
    rewards.redemption_collect(user=unit, partner=world["partner"], code=first.code)
    sql = counted(lambda: rewards.redemption_collect(user=unit, partner=world["partner"], code=second.code))
    assert len(sql) <= ceiling("collect"), sql
    assert Redemption.objects.get(pk=second.pk).state == RedemptionState.COLLECTED


def test_an_approval_that_awards(world, regions):
    rules = rules_seeded(regions["district"])
    person, worker = world["person"], world["personas"]["worker"]
    claims = [file_claim(world["personas"]["resident"], person, rules["helping"]) for _i in range(2)]
    reviews.claim_review(reviewer=worker, claim=claims[0], approve=True)
    sql = counted(lambda: reviews.claim_review(reviewer=worker, claim=claims[1], approve=True))
    assert len(sql) <= ceiling("award"), sql
    claim = claims[1].__class__.objects.get(pk=claims[1].pk)
    assert claim.state == ClaimState.ON_NOTICE and claim.transfer.amount == claim.points
    assert verify_district(regions["district"])[0] == []


def test_a_rolled_back_account_never_enters_the_cache(regions):
    person = make_person(regions["A1"], "赵新")
    with pytest.raises(RuntimeError), transaction.atomic():
        opened = ledger.wallet_id(person)
        raise RuntimeError("the use case failed after opening the wallet")
    assert not Account.objects.filter(pk=opened).exists()
    fresh = ledger.wallet_id(person)
    assert Account.objects.get(pk=fresh).person_id == person.pk
    assert ledger.wallet_id(person) == fresh


def test_a_transfer_that_finds_an_account_missing_empties_the_cache(regions):
    person = make_person(regions["A1"], "钱少")
    wallet = ledger.wallet_id(person)
    assert wallet in ledger._ACCOUNT_IDS.values()
    with pytest.raises(ledger.LedgerError, match="不存在"):
        ledger.transfer(
            district=person.district_id,
            key="missing",
            debit=wallet + 10**6,  # an id no account has, as after a flush behind the cache's back
            credit=wallet,
            amount=1,
            kind="donation",
            reason="x",
        )
    assert ledger._ACCOUNT_IDS == {}
    assert ledger.wallet_id(person) == wallet


@given(
    moment=hst.datetimes(
        min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 1, 1), timezones=hst.timezones()
    )
    | hst.datetimes(min_value=dt.datetime(1900, 1, 1)),
    day=hst.dates(),
)
@hsettings(max_examples=300, deadline=None)
def test_the_statements_adapt_times_exactly_as_the_orm_does(moment, day):
    """`_adapted` converts aware times itself on SQLite; it must give the ORM's very text (or value)."""
    ops = connection.ops
    assert _adapted([moment, day, 7, None]) == [
        ops.adapt_datetimefield_value(moment),
        ops.adapt_datefield_value(day),
        7,
        None,
    ]

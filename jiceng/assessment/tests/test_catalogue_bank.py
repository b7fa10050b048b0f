"""Moral Bank indicators: each builds real records through the bank's own services and checks value and points."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from conftest import make_person
from jiceng.assessment.catalogue import CATALOGUE
from jiceng.assessment.models import Indicator
from jiceng.bank.models import DeedClaim
from jiceng.bank.services import rewards
from jiceng.bank.services.objections import objection_decide, objection_file
from jiceng.bank.services.reviews import claim_review
from jiceng.bank.services.settlement import bank_settle
from jiceng.bank.tests.factories import file_claim
from jiceng.bank.tests.test_rewards import alliance, fund, redeem  # noqa: F401  (alliance is a fixture)
from jiceng.regions.models import Level, Region


def run(code, region, period):
    return CATALOGUE[code].fn(region, *period)


def points(code, value, **over):
    s = {k: v if k == "rule" else Decimal(str(v)) for k, v in CATALOGUE[code].suggest.items()}
    s.update(over)
    return Indicator(code=code, weight=10, max_points=Decimal(100), **s).points_for(value)


def settled_claim(personas, rules, person=None):
    person = person or personas["resident"].person
    claim = file_claim(personas["resident"], person, rules["helping"])
    claim = claim_review(reviewer=personas["worker"], claim=claim, approve=True)
    bank_settle(now=claim.notice.ends_at + dt.timedelta(seconds=1))
    claim.notice.refresh_from_db()
    return claim


def test_coverage_counts_communities_with_a_settled_award(personas, rules, regions, period):
    claim = settled_claim(personas, rules)
    n = Region.objects.filter(regions["A"].subtree_q(), level=Level.COMMUNITY, is_active=True).count()
    res = run("bank.coverage", regions["A"], period)
    expected = (Decimal(100) / n).quantize(Decimal("0.1"))
    assert res.value == expected and res.records == [("bank.Notice", claim.notice.pk)]
    assert points("bank.coverage", res.value) == expected  # 0 → 0 points, 100 % → 100 points
    assert run("bank.coverage", regions["A1"], period).value == Decimal("100.0")
    assert run("bank.coverage", regions["B"], period).value == Decimal("0.0")


def test_an_award_still_on_notice_does_not_count(personas, rules, regions, period):
    claim = file_claim(personas["resident"], personas["resident"].person, rules["helping"])
    claim_review(reviewer=personas["worker"], claim=claim, approve=True)
    assert run("bank.coverage", regions["A1"], period).value == Decimal("0.0")


def test_earners_per_thousand_residents(personas, rules, regions, period):
    for i in range(3):
        make_person(regions["A2"], f"居民{i}")
    settled_claim(personas, rules)
    settled_claim(personas, rules)  # the same resident twice counts once
    res = run("bank.earners_per_1000", regions["A"], period)
    assert res.value == Decimal("250.0")  # 1 earner among 4 active residents of A
    assert len(res.records) == 2
    assert points("bank.earners_per_1000", res.value) == Decimal("100.0")  # capped at the target of 50
    assert points("bank.earners_per_1000", Decimal("20")) == Decimal("40.0")


def test_median_days_from_claim_to_review(personas, rules, regions, period):
    claims = [settled_claim(personas, rules) for _ in range(3)]
    for claim, days in zip(claims, (2, 5, 9), strict=True):
        DeedClaim.objects.filter(pk=claim.pk).update(created_at=claim.decided_at - dt.timedelta(days=days))
    res = run("bank.review_days", regions["A1"], period)
    assert res.value == Decimal("5.0")
    assert res.records == sorted(("bank.DeedClaim", c.pk) for c in claims)
    # floor 14 days → 0, target 3 days → 100: 5 days is (14-5)/(14-3) of the way
    assert points("bank.review_days", res.value) == Decimal("81.8")
    assert run("bank.review_days", regions["B1"], period).value is None


def test_review_time_is_counted_in_whole_hours(personas, rules, regions, period):
    """3 h 50 min counts as 3 hours (0.125 days, shown 0.1), where the exact time would show 0.2; with two
    claims the median is halfway between their whole hours."""
    claim = settled_claim(personas, rules)
    DeedClaim.objects.filter(pk=claim.pk).update(
        created_at=claim.decided_at - dt.timedelta(hours=3, minutes=50)
    )
    assert run("bank.review_days", regions["A1"], period).value == Decimal("0.1")
    other = settled_claim(personas, rules)
    DeedClaim.objects.filter(pk=other.pk).update(
        created_at=other.decided_at - dt.timedelta(hours=10, minutes=59)
    )
    res = run("bank.review_days", regions["A1"], period)
    assert res.value == Decimal("0.3")  # (3 + 10) / 2 = 6.5 hours = 0.27 days
    assert res.records == sorted(("bank.DeedClaim", c.pk) for c in (claim, other))


def test_upheld_objections_score_inversely(personas, rules, regions, period):
    notices = []
    for _ in range(2):
        claim = file_claim(personas["resident"], personas["resident"].person, rules["helping"])
        notices.append(claim_review(reviewer=personas["worker"], claim=claim, approve=True).notice)
    objs = [objection_file(user=personas["outsider"], notice=n, reason="没有这回事") for n in notices]
    objection_decide(reviewer=personas["worker"], objection=objs[0], uphold=True, reason="核实不实")
    objection_decide(reviewer=personas["worker"], objection=objs[1], uphold=False, reason="核实属实")
    res = run("bank.objections_upheld", regions["A1"], period)
    assert res.value == Decimal("50.0") and res.records == sorted(("bank.Objection", o.pk) for o in objs)
    assert points("bank.objections_upheld", res.value) == Decimal("0.0")  # above the 20 % warning line
    assert points("bank.objections_upheld", Decimal("5")) == Decimal("75.0")
    assert points("bank.objections_upheld", Decimal("0")) == Decimal("100.0")


def test_redemptions_honoured_by_partners(personas, alliance, regions, period):  # noqa: F811
    person = personas["resident"].person
    fund(person, 100)
    kept = redeem(person, alliance["reward_a"])
    rewards.redemption_collect(user=personas["unit"], partner=alliance["a"], code=kept.code)
    lapsed = redeem(
        person,
        rewards.reward_create(
            user=personas["unit"],
            partner=alliance["a"],
            name="理发",
            description="",
            points_price=10,
            stock=5,
            per_person_limit=1,
            valid_from=timezone.localdate(),
            valid_to=timezone.localdate() + dt.timedelta(days=9),
            place="店内",
            is_active=True,
        ),
    )
    rewards.redemptions_expire(now=lapsed.expires_at + dt.timedelta(minutes=1))
    res = run("bank.redemptions_honoured", regions["A1"], period)
    assert res.value == Decimal("50.0")
    assert res.records == sorted([("bank.Redemption", kept.pk), ("bank.Redemption", lapsed.pk)])
    assert points("bank.redemptions_honoured", res.value) == Decimal("0.0")  # below the floor of 60 %
    assert points("bank.redemptions_honoured", Decimal("90")) == Decimal("75.0")

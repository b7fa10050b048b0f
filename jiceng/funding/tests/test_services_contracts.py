"""Purchased services: progress from activities and needs, milestones that post expenses, acceptance."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import make_person
from jiceng.activities.models import ActivityStatus, CheckIn, OrganizerKind
from jiceng.activities.tests.factories import activity, attended
from jiceng.alliance.models import Need, NeedStatus, Project
from jiceng.funding import services
from jiceng.funding.errors import FundingError
from jiceng.funding.models import ContractStatus, Expense
from jiceng.funding.queries.contracts import contract_progress, year_target
from jiceng.funding.queries.funds import budget_holds
from jiceng.funding.tests.factories import contract, funded, social_org
from jiceng.orgs.models import Organization

pytestmark = pytest.mark.django_db
YEAR = timezone.localdate().year


@pytest.fixture
def setup(regions, personas):
    admin = personas["district_admin"]
    org = social_org(regions["district"])
    top, sub = funded(regions, admin, year=YEAR, district=200000, sub=80000)
    c = contract(regions, admin, org, sub, year=YEAR)
    return {"admin": admin, "org": org, "sub": sub, "contract": c}


def _hosted(regions, personas, org, *, days_ago=3, community="A1", **kw):
    start = timezone.now() - dt.timedelta(days=days_ago)
    if start.year != YEAR:  # early January: keep the activity inside the contract year
        start = timezone.now() - dt.timedelta(hours=3)
    return activity(
        regions[community],
        personas["worker"],
        start,
        organizer_kind=OrganizerKind.SOCIAL,
        organizer_org=org,
        **kw,
    )


def _resolved_need(regions, personas, org, *, rating=None, title="独居老人助浴"):
    now = timezone.now()
    need = Need.objects.create(
        district=regions["district"],
        community=regions["A1"],
        title=title,
        category="elderly",
        source="community",
        filed_by=personas["worker"],
        status=NeedStatus.RESOLVED,
        resolved_at=now,
        rating=rating,
        rated_at=now if rating else None,
    )
    Project.objects.create(
        district=regions["district"],
        need=need,
        title=title,
        owner=org,
        starts_on=now.date(),
        ends_on=now.date(),
        created_by=personas["worker"],
    )
    return need


def test_progress_changes_when_an_activitys_checkins_change(regions, personas, setup):
    c, org = setup["contract"], setup["org"]
    assert contract_progress(c).people == 0
    act = _hosted(regions, personas, org)
    people = [make_person(regions["A1"], f"居民{i}") for i in range(3)]
    for p in people[:2]:
        attended(act, p, 60)
    progress = contract_progress(c)
    assert (progress.people, progress.sessions) == (2, 1)
    attended(act, people[2], 30)
    assert contract_progress(c).people == 3
    CheckIn.objects.filter(person=people[0]).delete()
    assert contract_progress(c).people == 2
    # the same person at a second session counts once among people served
    second = _hosted(regions, personas, org, days_ago=2, title="第二场")
    attended(second, people[1], 30)
    assert (contract_progress(c).people, contract_progress(c).sessions) == (2, 2)


def test_only_the_providers_activities_in_the_buyers_area_count(regions, personas, setup):
    c, org = setup["contract"], setup["org"]
    other = social_org(regions["district"], "另一家社工机构", seed=2)
    for act in (
        _hosted(regions, personas, other),  # another organisation
        _hosted(regions, personas, org, community="B1"),  # outside the buyer's subdistrict
        _hosted(regions, personas, org, status=ActivityStatus.CANCELLED),  # cancelled
        activity(
            regions["A1"], personas["worker"], timezone.now() - dt.timedelta(hours=1)
        ),  # community's own
    ):
        attended(act, make_person(act.community, "路人"), 30)
    assert (contract_progress(c).people, contract_progress(c).sessions) == (0, 0)


def test_needs_resolved_by_the_providers_projects_count_with_their_ratings(regions, personas, setup):
    c, org = setup["contract"], setup["org"]
    _resolved_need(regions, personas, org, rating=5)
    _resolved_need(regions, personas, org, rating=4, title="楼道照明")
    _resolved_need(
        regions, personas, social_org(regions["district"], "别家", seed=3), rating=1, title="别家的"
    )
    progress = contract_progress(c)
    assert progress.needs == 2 and progress.needs_rating == Decimal("4.50")


def test_acceptance_freezes_the_figures_with_a_rating_and_a_note(regions, personas, setup):
    c, org, admin = setup["contract"], setup["org"], setup["admin"]
    act = _hosted(regions, personas, org)
    attended(act, make_person(regions["A1"], "甲"), 30)
    accepted = services.contract_accept(actor=admin, contract=c, rating=4, note="服务扎实，台账完整")
    assert accepted.status == ContractStatus.ACCEPTED and accepted.final_people == 1
    attended(act, make_person(regions["A1"], "乙"), 30)  # later check-ins no longer move it
    assert contract_progress(accepted).people == 1 and contract_progress(accepted).frozen
    with pytest.raises(FundingError, match="已经验收"):
        services.contract_accept(actor=admin, contract=c, rating=5, note="再验一次")


def test_acceptance_needs_a_rating_from_one_to_five_and_a_note(setup):
    for rating, note, msg in ((0, "好", "1 到 5"), (6, "好", "1 到 5"), (3, "  ", "验收意见")):
        with pytest.raises(FundingError, match=msg):
            services.contract_accept(
                actor=setup["admin"], contract=setup["contract"], rating=rating, note=note
            )


def test_paying_a_milestone_posts_one_expense_on_the_contracts_line(setup):
    c, admin, line = setup["contract"], setup["admin"], setup["sub"]
    first = services.milestone_add(
        actor=admin, contract=c, title="首期款", amount=20000, due_on=dt.date(YEAR, 3, 1)
    )
    services.milestone_add(actor=admin, contract=c, title="尾款", amount=30000, due_on=dt.date(YEAR, 12, 1))
    with pytest.raises(FundingError, match="不能超过合同金额"):
        services.milestone_add(actor=admin, contract=c, title="追加", amount=1, due_on=dt.date(YEAR, 12, 1))
    services.milestone_pay(actor=admin, milestone=first)
    services.milestone_pay(actor=admin, milestone=first)  # a second click pays nothing more
    expense = Expense.objects.get()
    assert (expense.amount, expense.contract_id, expense.key) == (
        Decimal(20000),
        c.pk,
        f"milestone-{first.pk}",
    )
    assert budget_holds(line) == Decimal(60000)
    with pytest.raises(FundingError, match="不能冲销"):
        services.expense_reverse(actor=admin, expense=expense, reason="x")


def test_a_contract_is_bought_from_a_social_organisation_by_a_subdistrict_or_community(
    regions, personas, setup
):
    admin, line = setup["admin"], setup["sub"]
    with pytest.raises(FundingError, match="社会组织"):
        contract(regions, admin, Organization.objects.get(name="示范单位"), line)
    with pytest.raises(FundingError, match="街道或社区"):
        contract(regions, admin, setup["org"], line, buyer=regions["district"])
    with pytest.raises(FundingError, match="不能早于"):
        contract(
            regions, admin, setup["org"], line, starts_on=dt.date(YEAR, 5, 1), ends_on=dt.date(YEAR, 4, 1)
        )


def test_the_year_target_is_green_only_where_an_organisation_serves(regions, personas, setup):
    target = year_target(regions["district"], year=YEAR, today=dt.date(YEAR, 12, 1))
    rows = {r.subdistrict.code: r for r in target["rows"]}
    assert target["days_left"] == 30
    assert not rows[regions["A"].code].met  # a contract, but no activity yet
    assert "还没有在社区开展服务活动" in rows[regions["A"].code].missing[0]
    assert "还没有与社会组织签订" in rows[regions["B"].code].missing[0]
    _hosted(regions, personas, setup["org"])
    rows = {r.subdistrict.code: r for r in year_target(regions["district"], year=YEAR)["rows"]}
    assert rows[regions["A"].code].met and rows[regions["A"].code].served_communities == 1
    assert not rows[regions["B"].code].met


def test_the_year_target_within_a_subdistrict_or_community_is_its_subdistrict_s_row(regions, personas, setup):
    _hosted(regions, personas, setup["org"])
    rows = {r.subdistrict.code: r for r in year_target(regions["district"], year=YEAR)["rows"]}
    for within in (regions["A"], regions["A1"]):
        (row,) = year_target(regions["district"], year=YEAR, within=within)["rows"]
        assert row == rows[regions["A"].code]
        assert row.met and row.served_communities == 1 and row.contracts == [(setup["contract"], 1)]
    (row,) = year_target(regions["district"], year=YEAR, within=regions["B1"])["rows"]
    assert row == rows[regions["B"].code] and not row.met

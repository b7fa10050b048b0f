"""The batch forms of the catalogue give exactly what the per-subject computations give."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from conftest import make_person
from jiceng.activities.tests.factories import activity, attended
from jiceng.alliance import services as alliance_services
from jiceng.alliance.tests.factories import action_for, alliance_a, at, held_meeting, need, sector_org
from jiceng.assessment.catalogue import CATALOGUE
from jiceng.assessment.tests.test_catalogue_alliance import _resolved_need
from jiceng.assessment.tests.test_catalogue_bank import settled_claim
from jiceng.assessment.tests.test_catalogue_reportin import member
from jiceng.assessment.tests.test_catalogue_sectors import branch
from jiceng.bank.services.objections import objection_decide, objection_file
from jiceng.bank.services.reviews import claim_review
from jiceng.bank.tests.factories import file_claim
from jiceng.circle.models import PlaceKind, ServicePlace
from jiceng.circle.tests.conftest import make_place
from jiceng.funding import services as funding
from jiceng.funding.tests.factories import contract, funded, social_org
from jiceng.linkage import services as linkage
from jiceng.linkage.tests.factories import issue
from jiceng.regions.models import Level, Region
from jiceng.workforce import services as workforce
from jiceng.workforce.tests.factories import hire

pytestmark = pytest.mark.django_db


def test_every_region_computation_has_a_batch_form():
    missing = [
        code
        for code, c in CATALOGUE.items()
        if set(c.subjects) & {"subdistrict", "community"} and c.batch is None
    ]
    assert missing == []


@pytest.fixture
def world(personas, regions, rules):
    """Records of every catalogued app in communities A1, A2 and B1 of subdistricts A and B."""
    admin, worker, sub = personas["district_admin"], personas["worker"], personas["sub_admin"]
    today = timezone.localdate()
    for i, key in enumerate(("A1", "A2", "A2", "B1", "B1", "B1")):
        make_person(regions[key], f"居民{i}")
    # Moral Bank: two settled awards, an objection upheld, a redemption
    for _ in range(2):
        settled_claim(personas, rules)
    claim = file_claim(personas["resident"], personas["resident"].person, rules["helping"])
    notice = claim_review(reviewer=worker, claim=claim, approve=True).notice
    objection = objection_file(user=personas["outsider"], notice=notice, reason="没有这回事")
    objection_decide(reviewer=worker, objection=objection, uphold=True, reason="核实不实")
    # three lists: one need resolved and rated, one waiting
    _resolved_need(regions, personas, rating=4)
    need(regions["A1"], worker, title="楼道灯")
    # alliance: a symposium with minutes and an action closed
    alliance = alliance_a(regions, personas)
    m = held_meeting(alliance, sub, today - dt.timedelta(days=10), kind="symposium")
    alliance_services.meeting_record_minutes(meeting=m, minutes="议定事项三项", actor=sub)
    a = action_for(alliance, sub, day=today - dt.timedelta(days=20), due_on=today + dt.timedelta(days=5))
    alliance_services.action_close(action=a, result="已完成", rating=5, rating_source="community", actor=sub)
    # new sectors: a covered building in A1, a faded one in B1
    branch(sector_org(regions["A1"], "甲楼宇"), sub, today - dt.timedelta(days=400))
    branch(
        sector_org(regions["B1"], "乙园区"), sub, today - dt.timedelta(days=90), today - dt.timedelta(days=5)
    )
    sector_org(regions["A2"], "丙市场")
    # report-in: one member served, one did not
    served = member(regions, personas, "张服务", today - dt.timedelta(days=20))
    member(regions, personas, "李未到", today - dt.timedelta(days=20))
    attended(activity(regions["B1"], worker, at(today - dt.timedelta(days=10))), served.person, 90)
    # service places: one used lately in A1, one idle in B1
    used = make_place(regions, "A1", "甲党群服务中心", PlaceKind.CENTRE_COMMUNITY, 5)
    make_place(regions, "B1", "乙邻里中心", PlaceKind.NEIGHBOURHOOD, 28)
    ServicePlace.objects.update(created_at=timezone.now() - dt.timedelta(days=365))
    activity(regions["A1"], worker, at(today - dt.timedelta(days=3)), service_place=used)
    # workforce: two workers in A2 (one qualified), one in B1
    w = [hire(regions[k], admin, name=f"社工{i}") for i, k in enumerate(("A2", "A2", "B1"))]
    workforce.qualification_record(
        actor=admin, worker=w[0], level="junior", cert_number="A123456", issued_on=dt.date(2020, 1, 1)
    )
    # funding: a subdistrict budget with an expense, a social organisation under contract
    _top, line = funded(regions, admin, year=today.year, sub=40000)
    funding.expense_post(
        budget=line,
        amount=Decimal("10000"),
        paid_for_kind="other",
        description="重阳活动",
        key="t-1",
        actor=admin,
    )
    contract(regions, admin, social_org(regions["A"]), line, year=today.year)
    # tasks: one to A and B, reported on time by A
    task = issue(regions["district"], [regions["A"], regions["B"]], admin, days=-2, start_days=-20)
    row = task.children.get(region=regions["A"])
    linkage.assignment_report(
        assignment=row, actor=sub, number=1, now=row.deadline_end() - dt.timedelta(hours=1)
    )
    return regions["district"]


@pytest.mark.parametrize("which", ["around today", "the year so far"])
def test_batch_results_equal_the_per_subject_results(world, period, which):
    today = timezone.localdate()
    start, end = period if which == "around today" else (dt.date(today.year, 1, 1), today)
    subdistricts = list(Region.objects.filter(world.subtree_q(), level=Level.SUBDISTRICT, is_active=True))
    communities = list(Region.objects.filter(world.subtree_q(), level=Level.COMMUNITY, is_active=True))
    assert len(subdistricts) >= 2 and len(communities) >= 4
    batched = [c for c in CATALOGUE.values() if c.batch is not None]
    assert batched
    seen_values, with_records = 0, set()
    for c in batched:
        for level, subjects in (("subdistrict", subdistricts), ("community", communities)):
            if level not in c.subjects:
                continue
            got = c.batch(subjects, start, end)
            assert set(got) == {s.pk for s in subjects}, c.code
            for s in subjects:
                want = c.fn(s, start, end)
                assert (got[s.pk].value, got[s.pk].records) == (
                    want.value,
                    want.records,
                ), (c.code, s.code)
                seen_values += want.value is not None
                if want.records:
                    with_records.add(c.code)
    assert seen_values > 0
    # the world gives records to these in both periods (no redemption is made, no walking network stored)
    assert with_records >= {
        "activities.idle_places",
        "alliance.symposia",
        "bank.objections_upheld",
        "bank.review_days",
        "funding.social_org",
        "linkage.on_time",
        "lists.needs_rating",
        "lists.needs_resolved",
        "lists.resolution_days",
        "reportin.served",
        "sectors.coverage",
        "sectors.faded",
        "workforce.per_10k",
        "workforce.qualified",
    }

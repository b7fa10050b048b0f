"""The cockpit's figures, each from records built here; the year's targets; the export and its scope."""

import datetime as dt
import json
import uuid
from io import BytesIO

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import make_person
from jiceng.activities.models import ActivityStatus
from jiceng.activities.tests.factories import activity, attended
from jiceng.alliance.models import Meeting, MeetingStatus, Need, NeedStatus
from jiceng.alliance.tests.factories import action_for, alliance_a, at, held_meeting, need, sector_org
from jiceng.bank import ledger
from jiceng.bank.models import Transfer, TransferKind
from jiceng.bank.tests.test_reports import award, spend
from jiceng.bank.tests.test_rewards import make_partner, make_reward
from jiceng.cockpit.queries.board import cockpit_get
from jiceng.core.models import AuditLog
from jiceng.funding.tests.factories import funded
from jiceng.workforce.tests.factories import hire

pytestmark = pytest.mark.django_db


def this_year(month: int, day: int = 10) -> dt.date:
    return dt.date(timezone.localdate().year, month, day)


@pytest.fixture
def world(regions, personas):
    """A year of records in subdistrict A (A1 and A2); nothing in subdistrict B."""
    a1, a2 = regions["A1"], regions["A2"]
    p1, p2 = personas["resident"].person, make_person(a2, "钱二")
    award(p1, 100)
    award(p2, 50)
    award(p1, 9, pending=True)  # still on notice: not issued
    old = award(p2, 1000)
    Transfer.objects.filter(pk=old.pk).update(resolved_at=timezone.now() - dt.timedelta(days=400))
    partner = make_partner(personas["unit"], personas["sub_admin"])
    spend(p1, make_reward(partner, personas["unit"], name="A30", points_price=30), user=personas["unit"])
    ledger.transfer(
        district=regions["district"],
        key=f"gift-{uuid.uuid4().hex}",
        debit=ledger.wallet_open(p1),
        credit=ledger.love_pool(a1),
        amount=20,
        kind=TransferKind.DONATION,
        reason="捐入爱心池",
    )
    worker = personas["worker"]
    need(a1, worker, title="楼道灯坏了")  # open
    done = need(a2, worker, title="健康随访")
    Need.objects.filter(pk=done.pk).update(status=NeedStatus.RESOLVED, resolved_at=timezone.now())
    held = activity(a1, worker, at(this_year(3)), status=ActivityStatus.CLOSED)
    attended(held, p1, 60)
    attended(held, make_person(a1, "孙三"), 60)
    activity(a2, worker, at(this_year(3)))  # published, not held: counts for nothing
    alliance = alliance_a(regions, personas)
    action_for(alliance, personas["sub_admin"], day=this_year(2), due_on=this_year(12, 30))
    for month in (1, 3, 5, 7, 9):
        held_meeting(alliance, personas["sub_admin"], this_year(month), kind="symposium")
    Meeting.objects.filter(alliance=alliance).update(status=MeetingStatus.HELD)
    sector_org(a1, "天府大厦")
    hire(a1, personas["sub_admin"])
    funded(regions, personas["district_admin"], year=timezone.localdate().year, district=100000, sub=30000)
    return {"alliance": alliance}


def _child(cockpit, region):
    return next(c for c in cockpit.children if c.region == region)


def test_each_tile_counts_the_records_of_its_region(regions, world):
    cockpit = cockpit_get(regions["A"])
    t = cockpit.total
    assert (t.issued, t.awards, t.redeemed, t.pools) == (150, 2, 30, 20)
    assert (t.needs_open, t.needs_resolved) == (1, 1)
    assert (t.activities_held, t.checkins) == (1, 2)
    # five symposia plus the joint meeting that made the action's resolution, all held this year
    assert (t.meetings, t.symposia, t.actions_open, t.actions_done) == (6, 5, 1, 0)
    assert (t.sector_total, t.sector_covered, t.sector_faded) == (1, 0, 0)
    assert t.workers == 1
    assert t.budget == 30000
    a1, a2 = _child(cockpit, regions["A1"]), _child(cockpit, regions["A2"])
    assert (a1.issued, a1.redeemed, a1.pools, a1.needs_open, a1.checkins, a1.workers) == (
        100,
        30,
        20,
        1,
        2,
        1,
    )
    assert (a2.issued, a2.redeemed, a2.needs_resolved, a2.activities_held) == (50, 0, 1, 0)
    # meetings belong to the subdistrict's alliance, not to one community
    assert a1.meetings == a2.meetings == 0


def test_the_district_adds_up_its_subdistricts_and_nothing_leaks_into_b(regions, world):
    cockpit = cockpit_get(regions["district"])
    a, b = _child(cockpit, regions["A"]), _child(cockpit, regions["B"])
    assert cockpit.total.issued == a.issued == 150
    assert (b.issued, b.redeemed, b.needs_open, b.meetings, b.workers) == (0, 0, 0, 0, 0)
    assert cockpit.total.budget == 100000  # the district's own line; what it passed to A stays inside
    assert a.budget == 30000


def test_the_monthly_trend_puts_this_year_s_points_in_this_month(regions, world):
    trend = cockpit_get(regions["A"]).trend
    month = timezone.localdate().month
    issued, redeemed = trend["series"]
    assert issued["data"][month - 1] == 150 and sum(issued["data"]) == 150
    assert redeemed["data"][month - 1] == 30 and len(trend["names"]) == 12


def _target(cockpit, code):
    return next(t for t in cockpit.targets if t.code == code)


def test_moral_bank_in_every_community_is_done_only_when_each_has_a_settled_award(regions, world):
    assert _target(cockpit_get(regions["A1"]), "bank_every_community").done
    sub = _target(cockpit_get(regions["A"]), "bank_every_community")
    others = [c for c in regions["A"].children.all() if c not in (regions["A1"], regions["A2"])]
    assert sub.done is (not others)
    district = _target(cockpit_get(regions["district"]), "bank_every_community")
    assert not district.done and regions["B1"].name in district.missing


def test_symposia_are_done_at_the_sixth_held_this_year(regions, personas, world):
    assert not _target(cockpit_get(regions["A"]), "symposia").done
    held_meeting(world["alliance"], personas["sub_admin"], this_year(11), kind="symposium")
    Meeting.objects.filter(alliance=world["alliance"]).update(status=MeetingStatus.HELD)
    for region in ("A", "A1"):
        assert _target(cockpit_get(regions[region]), "symposia").done
    # subdistrict B has no alliance yet: it owes its six symposia too
    district = _target(cockpit_get(regions["district"]), "symposia")
    assert not district.done and any(regions["B"].name in m for m in district.missing)
    assert not any(regions["A"].name in m for m in district.missing)


def test_staffing_and_social_organisation_targets_say_what_is_missing(regions, world):
    cockpit = cockpit_get(regions["A"])
    social = _target(cockpit, "social_org_per_subdistrict")
    assert not social.done and social.missing and regions["A"].name in social.missing[0]
    staffing = _target(cockpit, "staffing")
    # 1 worker for the 5 residents of A1 and A2 is far above any target per 10,000
    assert staffing.done
    # A2's resident has no worker in A2: listed; communities with nobody registered are not
    assert any(regions["A2"].name in m for m in staffing.missing)
    assert not any("差 0 人" in m for m in staffing.missing)
    assert cockpit.days_left == (dt.date(cockpit.year, 12, 31) - timezone.localdate()).days


def test_the_page_says_why_its_population_and_the_circle_map_agree(regions, world):
    # No residential points imported: the circle places registered residents at community centres,
    # and these communities have no centre yet, so the map counts nobody and the page says why.
    cockpit = cockpit_get(regions["A"])
    assert (cockpit.total.circle_population, cockpit.total.residents) == (0, 4)
    assert "登记在册的居民" in cockpit.circle_note and "没有中心点坐标" in cockpit.circle_note
    regions["A1"].__class__.objects.filter(parent=regions["A"]).update(lon=104.05, lat=30.64)
    make_person(regions["A2"], "周五")  # a new resident: the circle recomputes with the centres
    cockpit = cockpit_get(regions["A"])
    assert cockpit.total.circle_population == cockpit.total.residents == 5
    assert "一致" in cockpit.circle_note


def test_the_page_shows_targets_first_and_every_tile_drills_down(client, regions, personas, world):
    client.force_login(personas["sub_admin"])
    body = client.get(reverse("cockpit:region", args=[regions["A"].code])).content.decode()
    assert body.index('data-target="bank_every_community"') < body.index("data-tile=")
    assert "考核排名" in body and "尚无考核结果" in body
    assert body.count(reverse("cockpit:region", args=[regions["A1"].code])) >= 10
    assert reverse("alliance:needs") in body and reverse("funding:funds") in body


def test_the_district_page_keeps_its_query_count(
    client, regions, personas, world, django_assert_max_num_queries
):
    client.force_login(personas["district_admin"])
    url = reverse("cockpit:region", args=[regions["district"].code])
    client.get(url)  # the service-circle coverage is computed once per process
    with django_assert_max_num_queries(60):
        assert client.get(url).status_code == 200


def _queries(client, url) -> int:
    calls = []

    def count(execute, sql, params, many, context):
        calls.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        assert client.get(url).status_code == 200
    return len(calls)


def test_the_query_count_does_not_grow_with_the_records(client, regions, personas, world):
    client.force_login(personas["district_admin"])
    url = reverse("cockpit:region", args=[regions["district"].code])
    client.get(url)
    before = _queries(client, url)
    for n in range(5):
        award(make_person(regions["B1"], f"新居民{n}"), 10)
        need(regions["B1"], personas["outsider_worker"], title=f"需求{n}")
    client.get(url)
    assert _queries(client, url) <= before


def test_the_export_gives_the_same_figures_as_xlsx_and_json(client, regions, personas, world):
    client.force_login(personas["sub_admin"])
    code = regions["A"].code
    data = json.loads(client.get(reverse("cockpit:export_json", args=[code])).content)
    assert data["region"] == code and data["figures"]["points_issued"] == 150
    assert {c["code"] for c in data["children"]} >= {regions["A1"].code, regions["A2"].code}
    assert {t["code"] for t in data["targets"]} == {
        "bank_every_community",
        "social_org_per_subdistrict",
        "symposia",
        "staffing",
    }
    response = client.get(reverse("cockpit:export_xlsx", args=[code]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    ws = load_workbook(BytesIO(response.content))["各项数字"]
    rows = list(ws.iter_rows(values_only=True))
    issued = rows[0].index("发放积分")
    assert rows[1][1] == code and rows[1][issued] == 150
    assert AuditLog.objects.filter(action="cockpit.export").count() == 2


@pytest.mark.parametrize("persona", ["outsider_sub_admin", "worker", "resident", "unit"])
def test_the_export_of_another_region_is_404(client, regions, personas, persona):
    client.force_login(personas[persona])
    for name in ("cockpit:export_json", "cockpit:export_xlsx"):
        assert client.get(reverse(name, args=[regions["A"].code])).status_code == 404

"""The roll-up gives exactly the live figures after a refresh, adds final transfers once, and says when."""

import dataclasses
import json
from io import BytesIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import make_person
from jiceng.activities.models import ActivityStatus
from jiceng.activities.tests.factories import activity, attended
from jiceng.alliance.tests.factories import at, need
from jiceng.bank import ledger
from jiceng.bank.tests.test_reports import award
from jiceng.cockpit.demo import load_cockpit_demo
from jiceng.cockpit.models import Rollup, RollupStamp
from jiceng.cockpit.queries.board import Row, cockpit_get
from jiceng.cockpit.queries.overview import region_overview_get
from jiceng.cockpit.services import rollup
from jiceng.cockpit.services.rollup import rollup_refresh
from jiceng.cockpit.tests.factories import populate
from jiceng.cockpit.tests.test_board import this_year, world  # noqa: F401 - the shared fixture
from jiceng.core.jobs import periodic_list
from jiceng.demo.registry import loaders

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_settling(monkeypatch):
    """Transfers made a moment ago count as settled, so the incremental path is exercised."""
    monkeypatch.setattr(rollup, "SETTLE_SECONDS", 0)


def _figures(row: Row) -> dict:
    return {f.name: getattr(row, f.name) for f in dataclasses.fields(Row)}


def assert_same(rolled, live):
    """Every field of every row, the targets, the trend and the population note."""
    assert rolled.computed_at is not None and live.computed_at is None
    assert [_figures(r) for r in [rolled.total, *rolled.children]] == [
        _figures(r) for r in [live.total, *live.children]
    ]
    assert rolled.targets == live.targets
    assert rolled.trend == live.trend
    assert rolled.circle_note == live.circle_note
    assert rolled.overview == live.overview == region_overview_get(rolled.region)


def _every_level(regions):
    return [regions["district"], regions["A"], regions["A1"], regions["B1"]]


def test_after_a_refresh_the_rollup_equals_the_live_figures(regions, personas, world):  # noqa: F811
    populate(regions)
    rollup_refresh(district=regions["district"])
    for region in _every_level(regions):
        assert_same(cockpit_get(region), cockpit_get(region, live=True))
    assert cockpit_get(regions["A"]).total.issued == 150
    # Records change: the roll-up keeps the last refresh's figures until the next one.
    p1 = personas["resident"].person
    award(p1, 7)
    make_person(regions["A1"], "新来的")
    need(regions["A1"], personas["worker"], title="新需求")
    held = activity(regions["A2"], personas["worker"], at(this_year(4)), status=ActivityStatus.CLOSED)
    attended(held, p1, 30)
    before = cockpit_get(regions["A"])
    assert (before.total.issued, before.total.activities_held, before.total.checkins) == (150, 1, 2)
    assert cockpit_get(regions["A"], live=True).total.issued == 157
    rollup_refresh(district=regions["district"])
    after = cockpit_get(regions["A"])
    assert (after.total.issued, after.total.activities_held, after.total.checkins) == (157, 2, 3)
    assert after.total.residents == before.total.residents + 1
    for region in _every_level(regions):
        assert_same(cockpit_get(region), cockpit_get(region, live=True))


def test_the_overview_counts_come_from_the_rollup(regions, personas):
    populate(regions)
    live = region_overview_get(regions["district"])
    rollup_refresh(district=regions["district"])
    make_person(regions["A1"], "刚登记")
    rolled = region_overview_get(regions["district"])
    assert rolled == live and rolled[0].residents == 14 and rolled[0].party_members == 6
    rollup_refresh(district=regions["district"])
    assert region_overview_get(regions["district"])[0].residents == 15


def test_a_pending_award_is_counted_once_it_is_posted_and_never_twice(regions, personas):
    p1 = personas["resident"].person
    first = award(p1, 10)
    waiting = award(p1, 20, pending=True)
    later = award(p1, 40)
    stamp = rollup_refresh(district=regions["district"])
    assert stamp.transfer_mark == waiting.pk - 1 and stamp.transfer_mark >= first.pk
    assert cockpit_get(regions["A1"]).total.issued == 50  # the pending 20 is not issued yet
    ledger.post(waiting)
    stamp = rollup_refresh(district=regions["district"])
    assert stamp.transfer_mark >= later.pk
    assert cockpit_get(regions["A1"]).total.issued == 70
    base = Rollup.objects.get(district=regions["district"], code=regions["A1"].code).base
    assert base["awards"] == 3 and sum(base["issued_m"]) == 70
    rollup_refresh(district=regions["district"])  # nothing new: nothing added again
    assert cockpit_get(regions["A1"]).total.issued == 70
    assert_same(cockpit_get(regions["district"]), cockpit_get(regions["district"], live=True))


def test_a_refresh_run_twice_gives_the_same(regions, personas, world):  # noqa: F811
    populate(regions)
    rollup_refresh(district=regions["district"])
    first = sorted(
        Rollup.objects.values_list("code", "figures", "base", "circle_population", "circle_percentage")
    )
    mark = RollupStamp.objects.get().transfer_mark
    rollup_refresh(district=regions["district"])
    assert (
        sorted(
            Rollup.objects.values_list("code", "figures", "base", "circle_population", "circle_percentage")
        )
        == first
    )
    assert RollupStamp.objects.get().transfer_mark == mark and RollupStamp.objects.count() == 1
    codes = {code for code, *_rest in first}
    assert {regions[k].code for k in ("district", "A", "B", "A1", "A2", "B1")} <= codes


def test_without_a_refresh_the_figures_are_live(regions, personas, world):  # noqa: F811
    cockpit = cockpit_get(regions["A"])
    assert cockpit.computed_at is None and cockpit.total.issued == 150
    assert cockpit.as_json()["figures"]["points_issued"] == 150


def test_the_page_and_the_json_say_when_the_figures_were_computed(client, regions, personas, world):  # noqa: F811
    client.force_login(personas["sub_admin"])
    url = reverse("cockpit:region", args=[regions["A"].code])
    assert "数据为实时汇总" in client.get(url).content.decode()
    stamp = rollup_refresh(district=regions["district"])
    shown = timezone.localtime(stamp.computed_at).strftime("%Y-%m-%d %H:%M")
    body = client.get(url).content.decode()
    assert f"数据更新于 {shown}" in body
    data = json.loads(client.get(reverse("cockpit:export_json", args=[regions["A"].code])).content)
    assert data["figures_computed_at"] == timezone.localtime(stamp.computed_at).isoformat()
    assert data["figures"]["points_issued"] == 150
    response = client.get(reverse("cockpit:export_xlsx", args=[regions["A"].code]))
    about = dict(load_workbook(BytesIO(response.content))["说明"].iter_rows(values_only=True))
    assert about["数据更新于"] == shown


def test_the_command_the_worker_and_the_demo_refresh_it(regions, personas, world):  # noqa: F811
    call_command("cockpit_refresh", "--district", regions["district"].code, stdout=open("/dev/null", "w"))
    first = RollupStamp.objects.get(district=regions["district"])
    every, enqueue = periodic_list()["cockpit-rollup"]
    assert every() == 300
    enqueue()  # tests run tasks in process
    assert RollupStamp.objects.get(district=regions["district"]).computed_at > first.computed_at
    assert loaders()[-1] is load_cockpit_demo
    load_cockpit_demo(regions["district"], None)
    assert_same(cockpit_get(regions["A"]), cockpit_get(regions["A"], live=True))


def _page_queries(client, url) -> int:
    from django.db import connection

    calls = []

    def count(execute, sql, params, many, context):
        calls.append(sql)
        return execute(sql, params, many, context)

    client.get(url)  # the service circle's coverage is computed once per process
    with connection.execute_wrapper(count):
        assert client.get(url).status_code == 200
    return len(calls)


def test_the_page_s_query_count_does_not_grow_with_the_communities(client, regions, personas, world):  # noqa: F811
    from jiceng.regions.models import Level, Region

    populate(regions)
    rollup_refresh(district=regions["district"])
    client.force_login(personas["district_admin"])
    urls = [reverse("cockpit:region", args=[regions[k].code]) for k in ("district", "A", "A1")]
    before = [_page_queries(client, url) for url in urls]
    a, district = regions["A"], regions["district"]
    new_sub = Region.objects.create(
        code=district.code[:6] + "990000", name="新设街道", level=Level.SUBDISTRICT, parent=district
    )
    for n in range(1, 4):
        for parent in (a, new_sub):
            c = Region.objects.create(
                code=parent.code[:9] + f"{900 + n}", name=f"新设社区{n}", level=Level.COMMUNITY, parent=parent
            )
            make_person(c, f"新居民{n}")
    rollup_refresh(district=district)
    after = [_page_queries(client, url) for url in urls]
    assert after == before
    assert cockpit_get(district).total.communities == cockpit_get(district, live=True).total.communities

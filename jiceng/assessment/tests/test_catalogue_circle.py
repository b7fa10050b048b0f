"""Service-circle indicators on the circle tests' hand-checkable line network, and idle places."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from jiceng.activities.models import ActivityStatus
from jiceng.activities.tests.factories import activity
from jiceng.assessment.tests.test_catalogue_bank import points, run
from jiceng.circle.models import PlaceKind, ServicePlace
from jiceng.circle.services import network_store
from jiceng.circle.tests.conftest import junction, line_graph, make_place, make_point

PERIOD = (dt.date(2026, 1, 1), dt.date(2026, 6, 30))


@pytest.fixture
def located(regions, settings, tmp_path):
    """The line network of the circle tests (junction i at x = 100·i − 1500 m); A1's centre at junction 10."""
    settings.VAR_DIR = tmp_path
    for key, i in (("district", 15), ("A", 6), ("A1", 10), ("A2", 2), ("B", 28), ("B1", 28)):
        r = regions[key]
        r.lon, r.lat = junction(i)
        r.save(update_fields=["lon", "lat"])
    return regions


def test_share_of_residents_within_the_walk_of_a_place(located):
    r = located
    p = make_place(r, "A1", "甲党群服务中心", PlaceKind.CENTRE_COMMUNITY, 5, always_open=True)
    q = make_place(r, "B1", "乙邻里中心", PlaceKind.NEIGHBOURHOOD, 28, always_open=True)
    a = make_point(r, "A1", 10, residents=100, building="甲1栋")  # 500 m from P
    b = make_point(r, "A1", 22, residents=50, building="甲2栋")  # 600 m from Q, across the boundary
    c = make_point(r, "A2", 2, households=10, building="丙1栋")  # 26 people, 300 m from P
    e = make_point(r, "A2", 16, residents=40, building="丙2栋")  # 1100 m from P, 1200 m from Q
    make_point(r, "B1", 28, residents=70, building="乙1栋")
    assert run("circle.coverage", r["A1"], PERIOD).value is None  # no walking network yet
    network_store(district=r["district"], graph=line_graph(), name="测试路网", is_synthetic=False)

    a1 = run("circle.coverage", r["A1"], PERIOD)
    assert a1.value == Decimal("100.0")
    assert a1.records == [("circle.ResidentialPoint", a.pk), ("circle.ResidentialPoint", b.pk)] + sorted(
        ("circle.ServicePlace", x.pk) for x in (p, q)
    )
    a2 = run("circle.coverage", r["A2"], PERIOD)
    assert a2.value == Decimal("39.4")  # 26 of 66
    assert a2.records == sorted(("circle.ResidentialPoint", x.pk) for x in (c, e)) + [
        ("circle.ServicePlace", p.pk)
    ]
    sub = run("circle.coverage", r["A"], PERIOD)
    assert sub.value == Decimal("81.5")  # 176 of 216
    assert points("circle.coverage", sub.value) == Decimal("63.0")  # (81.5 − 50) / (100 − 50)
    assert points("circle.coverage", a2.value) == Decimal("0.0")


def test_no_figure_from_stand_in_residents(located, regions):
    from conftest import make_person

    make_place(located, "A1", "甲党群服务中心", PlaceKind.CENTRE_COMMUNITY, 5, always_open=True)
    make_person(regions["A1"], "居民甲")  # registered residents at the community's centre only
    network_store(district=located["district"], graph=line_graph(), name="测试路网", is_synthetic=False)
    assert run("circle.coverage", located["A1"], PERIOD).value is None


def test_places_with_no_activity_in_the_last_quarter_of_the_period(regions, personas):
    worker = personas["worker"]
    today = timezone.localdate()
    end = today - dt.timedelta(days=10)
    period = (end - dt.timedelta(days=180), end)
    last = timezone.make_aware(dt.datetime.combine(end, dt.time(9)))

    def place(name, community="A1"):
        lon, lat = junction(len(name))
        return ServicePlace.objects.create(
            district=regions["district"],
            community=regions[community],
            name=name,
            kind="other",
            lon=lon,
            lat=lat,
        )

    used, stale, later, cancelled, other = (
        place(n, c)
        for n, c in (("在用", "A1"), ("久未用", "A1"), ("期后才用", "A2"), ("取消了", "A1"), ("乙社区", "B1"))
    )
    ServicePlace.objects.update(created_at=timezone.now() - dt.timedelta(days=365))
    new = place("新建阵地")  # registered after the period: not judged
    activity(regions["A1"], worker, last - dt.timedelta(days=30), service_place=used)
    activity(regions["A1"], worker, last - dt.timedelta(days=100), service_place=stale)
    activity(regions["A2"], worker, last + dt.timedelta(days=5), service_place=later)
    activity(
        regions["A1"],
        worker,
        last - dt.timedelta(days=3),
        service_place=cancelled,
        status=ActivityStatus.CANCELLED,
    )
    res = run("activities.idle_places", regions["A"], period)
    assert res.value == 3
    assert res.records == sorted(("circle.ServicePlace", x.pk) for x in (stale, later, cancelled))
    assert points("activities.idle_places", res.value) == Decimal("70.0")  # 100 − 10 per idle place
    assert run("activities.idle_places", regions["B1"], period).records == [("circle.ServicePlace", other.pk)]
    # a period ending tomorrow judges the new place too, and the place used 40 days ago is still in use
    now = run("activities.idle_places", regions["A1"], (period[0], today + dt.timedelta(days=1)))
    assert now.records == sorted(("circle.ServicePlace", x.pk) for x in (stale, cancelled, new))

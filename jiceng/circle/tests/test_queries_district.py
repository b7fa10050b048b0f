"""Coverage of a district and a region's figures, checked by hand on the line network."""

import datetime as dt

import pytest

from conftest import make_person
from jiceng.circle.models import PlaceKind
from jiceng.circle.queries.district import coverage_get
from jiceng.circle.queries.figures import figures_get, point_list_uncovered
from jiceng.circle.queries.params import CircleParams


def pct(f):
    return round(f.percentage, 2) if f.percentage is not None else None


def test_it_matches_the_hand_check_with_every_place_counted(hand):
    r = hand["regions"]
    cov = coverage_get(r["district"], CircleParams())
    by = cov.by_community
    assert (by[r["A1"].code].population, by[r["A1"].code].covered_population) == (150, 150)
    assert (by[r["A2"].code].population, by[r["A2"].code].covered_population) == (
        26,
        26,
    )  # 10 households × 2.62
    assert pct(figures_get(cov, r["district"])) == 100.0
    # each point's distance and nearest place, by hand
    ids = cov.points.ids
    dist = {p: cov.distance_m[ids.index(hand[p].pk)] for p in "abcd"}
    assert dist == pytest.approx({"a": 500.0, "b": 300.0, "c": 300.0, "d": 300.0})
    nearest = {p: cov.places.names[cov.nearest[ids.index(hand[p].pk)]] for p in "abcd"}
    assert nearest == {
        "a": "甲街道党群服务中心",
        "b": "乙邻里中心",
        "c": "甲街道党群服务中心",
        "d": "乙邻里中心",
    }


def test_it_counts_only_places_open_at_the_hour(hand):
    r = hand["regions"]
    cov = coverage_get(r["district"], CircleParams(open_at=dt.time(20, 0)))
    # Q closes at 17:00; P is always open. b (1700 m from P) and d (2300 m) lose their place.
    a1 = figures_get(cov, r["A1"])
    assert (a1.population, a1.covered_population, pct(a1)) == (150, 100, 66.67)
    assert pct(figures_get(cov, r["A2"])) == 100.0
    sub_a = figures_get(cov, r["A"])
    assert (sub_a.population, sub_a.covered_population) == (176, 126)
    assert pct(figures_get(cov, r["B"])) == 0.0
    district = figures_get(cov, r["district"])
    assert (district.population, district.covered_population, pct(district)) == (246, 126, 51.22)
    uncovered = point_list_uncovered(cov, r["district"])
    assert [u.building for u in uncovered] == ["乙1栋", "甲2栋"]  # most populous first
    assert "1700" in uncovered[1].reason and uncovered[1].nearest_place == "甲街道党群服务中心"
    assert "2000 米步行范围内没有" in uncovered[0].reason
    # during opening hours both count again; at 03:00 only the always-open P
    assert pct(figures_get(coverage_get(r["district"], CircleParams(open_at=dt.time(9, 0))), r["A1"])) == 100
    night = coverage_get(r["district"], CircleParams(open_at=dt.time(3, 0)))
    assert figures_get(night, r["A1"]).covered_population == 100


def test_it_filters_by_kind(hand):
    r = hand["regions"]
    only_centres = coverage_get(r["district"], CircleParams(kinds=(PlaceKind.CENTRE_SUBDISTRICT,)))
    assert pct(figures_get(only_centres, r["district"])) == 51.22
    only_neighbourhood = coverage_get(r["district"], CircleParams(kinds=(PlaceKind.NEIGHBOURHOOD,)))
    # Q at junction 25 reaches b (300 m) and d (300 m), not a (1500 m) or c (2300 m)
    assert figures_get(only_neighbourhood, r["district"]).covered_population == 120


def test_it_takes_the_limit_from_minutes_and_speed(hand):
    r = hand["regions"]
    params = CircleParams(limit_m=400.0, minutes=4, speed_m_per_min=100)
    cov = coverage_get(r["district"], params)
    a1 = figures_get(cov, r["A1"])
    assert a1.covered_population == 50  # a is 500 m from P
    assert "4 分钟" in params.describe()


def test_it_stands_in_registered_residents_when_there_are_no_points(
    line_network, hand_places, personas, located
):
    r = located
    for name in ("甲一", "甲二"):
        make_person(r["A1"], name)
    make_person(r["A2"], "甲三")
    make_person(r["A2"], "已迁出", is_active=False)
    cov = coverage_get(r["district"], CircleParams())
    assert cov.points.stand_in
    # personas add one resident each in A1 and B1
    assert {c: f.population for c, f in cov.by_community.items() if f.points} == {
        r["A1"].code: 3,
        r["A2"].code: 1,
        r["B1"].code: 1,
    }
    # A1's centre is 500 m from P, A2's 300 m, B1's 300 m from Q
    assert pct(figures_get(cov, r["district"])) == 100.0
    evening = coverage_get(r["district"], CircleParams(open_at=dt.time(20, 0)))
    assert figures_get(evening, r["district"]).covered_population == 4


def test_it_reports_population_without_a_network(located, hand_places, hand_points, var_dir):
    cov = coverage_get(located["district"], CircleParams())
    assert cov.result is None and "import-network" in cov.error
    f = figures_get(cov, located["district"])
    assert f.population == 246 and f.covered_population is None and f.percentage is None

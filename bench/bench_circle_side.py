"""Side by side: the service circle's coverage against SciPy alone, and `jiceng circle coverage` end to end.

The computation runs at the issue's sizes (a ~200k-node street grid, 300 places, 50k
residential points, a 1000 m walk) in interleaved rounds, each contender once per
round in a rotating order, so that the machine's load (it is shared) falls on all of
them alike:

- ours: ``compute_coverage`` on the graph loaded from its ``.npz`` file (the sparse
  matrix and the snapping k-d tree come from the file), snapping included;
- scipy bare: one multi-source ``dijkstra`` (``min_only``, the limit) from the
  places' nodes, snapped beforehand;
- scipy + KD snapping: the places and the points snapped with a prebuilt
  ``cKDTree``, then the same ``dijkstra``, then each point's walk;
- networkx (``--networkx``): ``multi_source_dijkstra_path_length`` with a cutoff.

The command end to end runs against a district in a fresh database (SQLite by
default) holding the same network, places and points: ``call_command`` in a process
that has not computed anything yet (the coverage and the graph are forgotten before
each round; the files stay, as they do between two runs), and the whole
``jiceng circle coverage`` as a new process, interpreter and Django start-up
included (compiled modules kept, as an installation keeps them). By default the district is a quarter of the issue's size so that
``make bench`` stays short; ``--full`` uses the issue's sizes.

    .venv/bin/python bench/bench_circle_side.py [--full] [--rounds N] [--networkx] [--backend postgresql]
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import time

import _django

N_SIDE = 448  # 448 × 448 = 200,704 junctions
SPACING_M = 60.0
N_PLACES = 300
N_POINTS = 50_000
LIMIT_M = 1000.0
SUBDISTRICTS, COMMUNITIES = 20, 25


def world_arrays(n_side: int, n_places: int, n_points: int, seed: int = 1):
    from jiceng.circle import synthetic

    graph = synthetic.grid_network(
        synthetic.DEMO_CENTER_LON, synthetic.DEMO_CENTER_LAT, n_side, spacing_m=SPACING_M, seed=seed
    )
    places = synthetic.places(graph, n_places, seed=seed + 1)
    points, population = synthetic.residential_points(graph, n_points, seed=seed + 2)
    return graph, places, points, population


def rounds_run(contenders: dict, rounds: int) -> dict:
    """Each contender once per round, the order rotating; returns {label: [seconds, ...]}."""
    times = {label: [] for label in contenders}
    labels = list(contenders)
    for r in range(rounds):
        for label in labels[r % len(labels) :] + labels[: r % len(labels)]:
            t0 = time.perf_counter()
            contenders[label]()
            times[label].append(time.perf_counter() - t0)
    return times


def summary(times: list[float]) -> dict:
    return {
        "median_ms": round(1000 * statistics.median(times), 1),
        "min_ms": round(1000 * min(times), 1),
        "max_ms": round(1000 * max(times), 1),
        "rounds": len(times),
    }


def computation(args) -> None:
    import tempfile

    from scipy.sparse.csgraph import dijkstra
    from scipy.spatial import cKDTree

    from jiceng.circle.coverage import compute_coverage
    from jiceng.circle.network import WalkGraph, haversine_m

    graph, places, points, population = world_arrays(N_SIDE, N_PLACES, N_POINTS)
    path = graph.save(os.path.join(tempfile.mkdtemp(prefix="jiceng-bench-"), "network.npz"))
    t0 = time.perf_counter()
    loaded = WalkGraph.load(path)
    load_s = time.perf_counter() - t0
    csr = loaded.csr()
    xy = loaded.node_xy()
    tree = cKDTree(xy)  # SciPy's own tree over every node, built before the rounds
    place_xy = loaded.projection.forward(places[:, 0], places[:, 1])
    point_xy = loaded.projection.forward(points[:, 0], points[:, 1])
    place_nodes = tree.query(place_xy)[1]
    nx_graph = None
    if args.networkx:
        import networkx as nx

        nx_graph = nx.Graph()
        nx_graph.add_weighted_edges_from(
            zip(graph.edge_u.tolist(), graph.edge_v.tolist(), graph.edge_len_m.tolist(), strict=True)
        )

    covered = {}

    def ours():
        covered["ours"] = compute_coverage(loaded, places, points, population, limit_m=LIMIT_M).covered

    def scipy_bare():
        dijkstra(csr, directed=True, indices=place_nodes, min_only=True, limit=LIMIT_M)

    def scipy_kd():
        nodes = tree.query(place_xy)[1]
        dist = dijkstra(csr, directed=True, indices=nodes, min_only=True, limit=LIMIT_M)
        node = tree.query(point_xy)[1]
        snap = haversine_m(points[:, 0], points[:, 1], loaded.node_lon[node], loaded.node_lat[node])
        covered["scipy"] = dist[node] + snap <= LIMIT_M

    def ours_fresh():
        compute_coverage(WalkGraph.load(path), places, points, population, limit_m=LIMIT_M)

    contenders = {
        "ours: compute_coverage (graph from its .npz file, snapping included)": ours,
        "scipy bare: multi-source dijkstra from the places' nodes (min_only, limit)": scipy_bare,
        "scipy + KD snapping: cKDTree.query of places and points, dijkstra, walk per point": scipy_kd,
    }
    contenders["ours as a fresh process does it: WalkGraph.load of the .npz file, then compute_coverage"] = (
        ours_fresh
    )
    if nx_graph is not None:
        import networkx as nx

        def networkx_run():
            nx.multi_source_dijkstra_path_length(nx_graph, set(place_nodes.tolist()), cutoff=LIMIT_M)

        contenders["networkx: multi_source_dijkstra_path_length (cutoff)"] = networkx_run
    times = rounds_run(contenders, args.rounds)
    load = _django.load()
    common = {
        "nodes": graph.n_nodes,
        "places": N_PLACES,
        "points": N_POINTS,
        "limit_m": LIMIT_M,
        "load": load,
    }
    for label, t in times.items():
        _django.emit(label=label, **summary(t), **common)
    labels = list(contenders)
    ours_med = statistics.median(times[labels[0]])
    _django.emit(
        label="ratio of medians: ours / scipy + KD snapping, ours / scipy bare",
        vs_scipy_kd=round(ours_med / statistics.median(times[labels[2]]), 2),
        vs_scipy_bare=round(ours_med / statistics.median(times[labels[1]]), 2),
        budget_vs_scipy_kd=2.0,
        # ours also walks each place's own snap distance, which the bare reference leaves out
        ours_points_covered=int(covered["ours"].sum()),
        scipy_points_covered=int(covered["scipy"].sum()),
        **common,
    )
    _django.emit(
        label="WalkGraph.load of the .npz file, once before the rounds", ms=round(1000 * load_s, 1), **common
    )


def district_build(full: bool):
    import numpy as np

    from jiceng.circle.models import PlaceKind, PointSource, ResidentialPoint, ServicePlace
    from jiceng.circle.services import network_store
    from jiceng.regions.models import Level, Region

    n_side, n_places, n_points = (
        (N_SIDE, N_PLACES, N_POINTS) if full else (N_SIDE // 2, N_PLACES // 4, N_POINTS // 4)
    )
    graph, places, points, population = world_arrays(n_side, n_places, n_points)
    district = Region.objects.create(code="510198000000", name="基准区", level=Level.DISTRICT)
    subs = Region.objects.bulk_create(
        Region(code=f"510198{s:03d}000", name=f"第{s}街道", level=Level.SUBDISTRICT, parent=district)
        for s in range(1, SUBDISTRICTS + 1)
    )
    communities = Region.objects.bulk_create(
        Region(code=f"{sub.code[:9]}{c:03d}", name=f"{sub.name}第{c}社区", level=Level.COMMUNITY, parent=sub)
        for sub in subs
        for c in range(1, COMMUNITIES + 1)
    )
    network_store(district=district, graph=graph, name="基准合成路网", is_synthetic=True)
    x0, y0, x1, y1 = graph.extent

    def community(lonlat):  # a 25 × 20 grid of communities over the network's box
        i = np.clip(((lonlat[:, 0] - x0) / (x1 - x0) * COMMUNITIES).astype(int), 0, COMMUNITIES - 1)
        j = np.clip(((lonlat[:, 1] - y0) / (y1 - y0) * SUBDISTRICTS).astype(int), 0, SUBDISTRICTS - 1)
        return (j * COMMUNITIES + i).tolist()

    ServicePlace.objects.bulk_create(
        ServicePlace(
            district=district,
            community=communities[c],
            name=f"阵地{k}",
            kind=PlaceKind.NEIGHBOURHOOD,
            lon=lon,
            lat=lat,
            always_open=True,
        )
        for k, ((lon, lat), c) in enumerate(zip(places.tolist(), community(places), strict=True))
    )
    ResidentialPoint.objects.bulk_create(
        (
            ResidentialPoint(
                district=district,
                community=communities[c],
                lon=lon,
                lat=lat,
                residents=p,
                building=f"{k}号楼",
                source=PointSource.SYNTHETIC,
            )
            for k, ((lon, lat), c, p) in enumerate(
                zip(points.tolist(), community(points), population.tolist(), strict=True)
            )
        ),
        batch_size=5000,
    )
    return graph, n_places, n_points


def command(args) -> None:
    _django.setup(args.backend, "circle_side")
    from django.core.management import call_command

    from jiceng.circle.queries import district as district_queries
    from jiceng.circle.queries import network as network_queries

    t0 = time.perf_counter()
    graph, n_places, n_points = district_build(args.full)
    build_s = time.perf_counter() - t0
    argv = ["circle", "coverage", "--district", "510198"]

    def in_process():
        district_queries._coverages.clear()
        network_queries._graphs.clear()
        out = io.StringIO()
        call_command(*argv, stdout=out)
        return out.getvalue()

    # As installed: Python keeps its compiled modules (a shell may say not to write them,
    # and then every start compiles the whole project again).
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}

    def new_process():
        subprocess.run([sys.executable, "-m", "jiceng.cli", *argv], check=True, capture_output=True, env=env)

    new_process()  # writes the compiled modules once, untimed

    t0 = time.perf_counter()
    lines = in_process().count("\n")
    first_s = time.perf_counter() - t0
    common = {
        "backend": args.backend,
        "nodes": graph.n_nodes,
        "places": n_places,
        "points": n_points,
        "regions": 1 + SUBDISTRICTS * (1 + COMMUNITIES),
        "report_lines": lines,
    }
    _django.emit(
        label="build the benchmark district (network file, places, points)", s=round(build_s, 1), **common
    )
    _django.emit(
        label="jiceng circle coverage (call_command) first run after the points changed: rows read, points file written",
        ms=round(1000 * first_s, 1),
        load=_django.load(),
        **common,
    )
    times = rounds_run(
        {
            "jiceng circle coverage end to end (call_command, nothing computed in the process yet)": in_process,
            "jiceng circle coverage end to end as a new process (interpreter and Django start-up included)": new_process,
        },
        args.rounds,
    )
    load = _django.load()
    for label, t in times.items():
        _django.emit(label=label, **summary(t), budget_ms=500, load=load, **common)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="the command on a district of the issue's size")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--networkx", action="store_true", help="add networkx to the side-by-side")
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--only", choices=["computation", "command"])
    args = parser.parse_args()
    if args.rounds < 1:
        parser.error("--rounds 至少为 1")
    if args.backend == "postgresql" and not _django.postgres_available():
        parser.error("PostgreSQL 不可用（127.0.0.1:5432）")
    if args.only != "command":
        computation(args)
    if args.only != "computation":
        command(args)
    return 0


if __name__ == "__main__":
    sys.exit(main())

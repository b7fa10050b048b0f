"""Benchmark of the 15-minute service circle on a district-sized synthetic network.

A ~200k-node street grid around the demo district, 300 service places and 50k
residential points: coverage, site recommendations, and the simplified street layer
the map page draws for a whole-district view. Prints one JSON line per figure on
stdout; progress goes to stderr.

    .venv/bin/python bench/bench_circle.py [--seed N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from tqdm import tqdm

from jiceng.circle import synthetic
from jiceng.circle.coverage import compute_coverage, recommend_sites
from jiceng.circle.drawing import street_segments

N_SIDE = 448  # 448 × 448 = 200,704 junctions
SPACING_M = 60.0
N_PLACES = 300
N_POINTS = 50_000
K = 10
COVERAGE_BUDGET_S = 2.0
RECOMMEND_BUDGET_S = 30.0
MAP_EDGES = 5000
MAP_LAYER_BUDGET_S = 1.0


def emit(record: dict) -> None:
    print(json.dumps(record, ensure_ascii=False), flush=True)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)

    steps = tqdm(total=4, desc="一刻钟服务圈基准", unit="步", file=sys.stderr)
    steps.set_postfix_str("生成路网")
    graph = synthetic.grid_network(
        synthetic.DEMO_CENTER_LON,
        synthetic.DEMO_CENTER_LAT,
        N_SIDE,
        spacing_m=SPACING_M,
        seed=args.seed,
    )
    places = synthetic.places(graph, N_PLACES, seed=args.seed + 1)
    points, population = synthetic.residential_points(graph, N_POINTS, seed=args.seed + 2)
    steps.update()

    # The first call pays for building the spatial index, as a fresh process would.
    steps.set_postfix_str("覆盖计算")
    t0 = time.perf_counter()
    coverage = compute_coverage(graph, places, points, population)
    cold = time.perf_counter() - t0
    t0 = time.perf_counter()
    compute_coverage(graph, places, points, population)
    warm = time.perf_counter() - t0
    steps.update()
    emit(
        {
            "bench": "circle_coverage",
            "nodes": graph.n_nodes,
            "edges": graph.n_edges,
            "places": N_PLACES,
            "points": N_POINTS,
            "seconds": round(cold, 3),
            "warm_seconds": round(warm, 3),
            "budget_seconds": COVERAGE_BUDGET_S,
            "ok": cold <= COVERAGE_BUDGET_S,
            "percentage": round(coverage.percentage, 2),
        }
    )

    steps.set_postfix_str("地图路网图层")
    reached = coverage.node_distance_m <= coverage.limit_m
    t0 = time.perf_counter()
    segments, _covered, simplified = street_segments(graph, reached, None, MAP_EDGES)
    seconds = time.perf_counter() - t0
    steps.update()
    emit(
        {
            "bench": "circle_map_layer",
            "nodes": graph.n_nodes,
            "edges": graph.n_edges,
            "drawn": int(segments.shape[0]),
            "max_drawn": MAP_EDGES,
            "simplified": simplified,
            "seconds": round(seconds, 3),
            "budget_seconds": MAP_LAYER_BUDGET_S,
            "ok": seconds <= MAP_LAYER_BUDGET_S and segments.shape[0] <= MAP_EDGES,
        }
    )

    steps.set_postfix_str("选址推荐")
    t0 = time.perf_counter()
    rec = recommend_sites(graph, places, points, population, k=K, progress=True)
    seconds = time.perf_counter() - t0
    steps.update()
    steps.close()
    emit(
        {
            "bench": "circle_recommend",
            "nodes": graph.n_nodes,
            "places": N_PLACES,
            "points": N_POINTS,
            "k": K,
            "picked": len(rec.picks),
            "seconds": round(seconds, 3),
            "budget_seconds": RECOMMEND_BUDGET_S,
            "ok": seconds <= RECOMMEND_BUDGET_S,
            "percentage_before": round(rec.base_percentage, 2),
            "percentage_after": round(rec.percentage, 2),
        }
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())

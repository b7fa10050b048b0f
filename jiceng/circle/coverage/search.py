"""Which residents have a place within the walking limit: one bounded multi-source search."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from jiceng.circle.coverage.common import (
    DEFAULT_LIMIT_M,
    DEFAULT_MAX_SNAP_M,
    DEFAULT_MIN_COMPONENT_NODES,
    DISTANCE_TOLERANCE_M,
    as_population,
    checked_limit,
    percentage_of,
)
from jiceng.circle.coverage.snapping import SnapResult, snap_points
from jiceng.circle.network import WalkGraph


@dataclass
class CoverageResult:
    """Coverage of residential points by service places.

    Per point (arrays of the points' length): ``distance_m`` to the nearest place
    (inf when none is within the limit), ``nearest_place`` (index into the places,
    -1 when none) and ``covered``. Per network node: ``node_distance_m`` and
    ``node_place``, the same for the node itself (place snap distance included when
    ``include_snap_distance``). ``places`` and ``points`` tell how each was snapped.
    """

    limit_m: float
    include_snap_distance: bool
    places: SnapResult
    points: SnapResult
    population: np.ndarray
    distance_m: np.ndarray
    nearest_place: np.ndarray
    covered: np.ndarray
    node_distance_m: np.ndarray
    node_place: np.ndarray

    @property
    def total_population(self) -> float:
        return float(self.population.sum())

    @property
    def covered_population(self) -> float:
        return float(self.population[self.covered].sum())

    @property
    def outside_population(self) -> float:
        """Population of points that could not be placed on the network."""
        return float(self.population[self.points.outside].sum())

    @property
    def percentage(self) -> float | None:
        """Covered share of the population in percent; None when there is no population."""
        return percentage_of(self.covered_population, self.total_population)

    def summary(self) -> dict:
        """The totals as a JSON-ready dict."""
        return {
            "limit_m": self.limit_m,
            "include_snap_distance": self.include_snap_distance,
            "places": len(self.places),
            "places_outside": int(self.places.outside.sum()),
            "points": len(self.points),
            "points_outside": int(self.points.outside.sum()),
            "points_covered": int(self.covered.sum()),
            "total_population": self.total_population,
            "covered_population": self.covered_population,
            "outside_population": self.outside_population,
            "percentage": self.percentage,
        }


def snap_offsets(snaps: SnapResult, include_snap_distance: bool) -> np.ndarray:
    return snaps.snap_m if include_snap_distance else np.zeros(len(snaps), dtype=np.float64)


def _multi_source(graph: WalkGraph, nodes: np.ndarray, offsets: np.ndarray, limit: float):
    """Distance from the nearest source to every node, and which source that is.

    One Dijkstra pass: each source becomes a virtual node with a one-way edge of
    length ``offsets[i]`` into its network node, so a place's own snap distance
    counts without a pass per place. Returns (distance, source index or -1).
    """
    n = graph.n_nodes
    m = int(nodes.shape[0])
    if m == 0:
        return np.full(n, np.inf), np.full(n, -1, dtype=np.int32)
    csr = graph.csr()
    index_dtype = np.int64 if csr.nnz + m >= np.iinfo(np.int32).max else np.int32
    indptr = np.concatenate([csr.indptr, csr.indptr[-1] + np.arange(1, m + 1)]).astype(index_dtype)
    indices = np.concatenate([csr.indices, nodes]).astype(index_dtype)
    data = np.concatenate([csr.data, offsets.astype(np.float64)])
    augmented = sp.csr_array((data, indices, indptr), shape=(n + m, n + m))
    dist, _, source = dijkstra(
        augmented,
        directed=True,
        indices=np.arange(n, n + m),
        min_only=True,
        limit=limit + DISTANCE_TOLERANCE_M,
        return_predecessors=True,
    )
    dist = dist[:n]
    source = source[:n]
    place = np.where(source >= n, source - n, -1).astype(np.int32)
    return dist, place


def coverage_of_snaps(
    graph: WalkGraph,
    places: SnapResult,
    points: SnapResult,
    population: np.ndarray,
    limit: float,
    include_snap_distance: bool,
) -> CoverageResult:
    ok_places = np.flatnonzero(places.ok)
    node_dist, node_src = _multi_source(
        graph,
        places.node[ok_places],
        snap_offsets(places, include_snap_distance)[ok_places],
        limit,
    )
    node_place = np.full(graph.n_nodes, -1, dtype=np.int32)
    reached = node_src >= 0
    node_place[reached] = ok_places[node_src[reached]]

    n = len(points)
    distance = np.full(n, np.inf)
    nearest = np.full(n, -1, dtype=np.int32)
    ok = np.flatnonzero(points.ok)
    total = node_dist[points.node[ok]] + snap_offsets(points, include_snap_distance)[ok]
    within = total <= limit + DISTANCE_TOLERANCE_M
    distance[ok[within]] = total[within]
    nearest[ok[within]] = node_place[points.node[ok[within]]]
    return CoverageResult(
        limit_m=limit,
        include_snap_distance=include_snap_distance,
        places=places,
        points=points,
        population=population,
        distance_m=distance,
        nearest_place=nearest,
        covered=np.isfinite(distance),
        node_distance_m=node_dist,
        node_place=node_place,
    )


def compute_coverage(
    graph: WalkGraph,
    place_lonlat,
    points_lonlat,
    population=None,
    limit_m: float = DEFAULT_LIMIT_M,
    *,
    include_snap_distance: bool = True,
    max_snap_m: float = DEFAULT_MAX_SNAP_M,
    min_component_nodes: int = DEFAULT_MIN_COMPONENT_NODES,
    extent_margin_m: float = 0.0,
) -> CoverageResult:
    """Which residents have a service place within ``limit_m`` metres of walking.

    ``place_lonlat`` and ``points_lonlat`` are (n, 2) arrays of (lon, lat);
    ``population`` weights each residential point (1 each when omitted). All places
    are searched from at once in a single shortest-path pass bounded by the limit.
    Snapping rules and the handling of snap distances are described in the package
    docstring.
    """
    limit = checked_limit(limit_m)
    snap_kw = {
        "max_snap_m": max_snap_m,
        "min_component_nodes": min_component_nodes,
        "extent_margin_m": extent_margin_m,
    }
    places = snap_points(graph, place_lonlat, **snap_kw)
    points = snap_points(graph, points_lonlat, **snap_kw)
    pop = as_population(population, len(points))
    return coverage_of_snaps(graph, places, points, pop, limit, include_snap_distance)

"""Where to add service places: greedy maximum coverage of the residents not yet covered."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from jiceng.circle.coverage.common import (
    DEFAULT_LIMIT_M,
    DEFAULT_MAX_SNAP_M,
    DEFAULT_MIN_COMPONENT_NODES,
    as_lonlat,
    as_population,
    checked_limit,
    percentage_of,
)
from jiceng.circle.coverage.reach import cover_sets, greedy
from jiceng.circle.coverage.search import CoverageResult, coverage_of_snaps, snap_offsets
from jiceng.circle.coverage.snapping import SnapResult, snap_index, snap_points
from jiceng.circle.network import WalkGraph


@dataclass(frozen=True)
class SitePick:
    """One recommended new site.

    ``candidate`` is the index into the candidate list, or the node index when the
    candidates were the network nodes. ``gain`` is the population newly covered by
    this site; ``covered_population`` and ``percentage`` are cumulative, existing
    places included.
    """

    rank: int
    node: int
    lon: float
    lat: float
    candidate: int
    gain: float
    covered_population: float
    percentage: float | None


@dataclass
class Recommendation:
    """Greedy choice of new sites; see :func:`recommend_sites`.

    ``candidates`` tells how candidate locations were snapped (None when the
    candidates were the network nodes). ``stats`` counts the work done: ``rows``,
    the groups of uncovered residents searched from, and ``pairs``, the
    (group, candidate) pairs found within reach.
    """

    picks: list[SitePick]
    limit_m: float
    include_snap_distance: bool
    total_population: float
    base_covered_population: float
    candidates: SnapResult | None = None
    stats: dict = field(default_factory=dict)

    @property
    def basepercentage_of(self) -> float | None:
        return percentage_of(self.base_covered_population, self.total_population)

    @property
    def covered_population(self) -> float:
        """Covered population with all picks added."""
        return self.picks[-1].covered_population if self.picks else self.base_covered_population

    @property
    def percentage(self) -> float | None:
        return percentage_of(self.covered_population, self.total_population)

    @property
    def site_lonlat(self) -> np.ndarray:
        """(k, 2) array of the picked sites' (lon, lat)."""
        return np.array([[p.lon, p.lat] for p in self.picks], dtype=np.float64).reshape(-1, 2)


def recommend_sites(
    graph: WalkGraph,
    existing=None,
    points_lonlat=None,
    population=None,
    *,
    candidates=None,
    k: int = 10,
    limit_m: float | None = None,
    include_snap_distance: bool | None = None,
    max_snap_m: float = DEFAULT_MAX_SNAP_M,
    min_component_nodes: int = DEFAULT_MIN_COMPONENT_NODES,
    extent_margin_m: float = 0.0,
    progress: bool = False,
) -> Recommendation:
    """Pick up to ``k`` new sites that cover the most residents not yet covered.

    Greedy maximum coverage: each pick is the candidate that newly covers the most
    population given the existing places and the earlier picks (ties go to the
    lowest candidate index). Stops early when no candidate covers anyone new.

    Args:
        existing: the current places, as a :class:`CoverageResult` (its points,
            population, limit and snap setting are reused), an (m, 2) array of
            (lon, lat), a 1-D integer array of node indices, or None.
        points_lonlat, population: the residential points; required unless
            ``existing`` is a CoverageResult.
        candidates: None for every network node that snapping can reach, or an
            (c, 2) array of (lon, lat) candidate locations, snapped like places.
        limit_m: walking limit; defaults to the CoverageResult's, else 1000 m.
        include_snap_distance: as in :func:`compute_coverage` (default True).
        progress: show a progress bar on stderr.
    """
    snap_kw = {
        "max_snap_m": max_snap_m,
        "min_component_nodes": min_component_nodes,
        "extent_margin_m": extent_margin_m,
    }
    if isinstance(existing, CoverageResult):
        base = existing
        if limit_m is not None and checked_limit(limit_m) != base.limit_m:
            raise ValueError("步行距离上限与已有覆盖结果不一致")
        if include_snap_distance is not None and include_snap_distance != base.include_snap_distance:
            raise ValueError("是否计入吸附距离与已有覆盖结果不一致")
        if points_lonlat is not None and len(as_lonlat(points_lonlat, "居民点")) != len(base.points):
            raise ValueError("居民点与已有覆盖结果不一致")
        limit, include = base.limit_m, base.include_snap_distance
    else:
        if points_lonlat is None:
            raise ValueError("缺少居民点坐标")
        limit = checked_limit(DEFAULT_LIMIT_M if limit_m is None else limit_m)
        include = True if include_snap_distance is None else bool(include_snap_distance)
        points = snap_points(graph, points_lonlat, **snap_kw)
        pop = as_population(population, len(points))
        places = _existing_places(graph, existing, snap_kw)
        base = coverage_of_snaps(graph, places, points, pop, limit, include)

    if k < 0:
        raise ValueError("推荐数量不能为负数")
    total = base.total_population
    base_covered = base.covered_population

    cand_snap = None
    if candidates is None:
        cand_nodes = _self_snapping_nodes(graph, min_component_nodes)
        cand_offset = np.zeros(cand_nodes.shape[0], dtype=np.float64)
        cand_lonlat = np.column_stack([graph.node_lon[cand_nodes], graph.node_lat[cand_nodes]])
        cand_label = cand_nodes.astype(np.int64)
    else:
        cand_lonlat_all = as_lonlat(candidates, "候选点")
        cand_snap = snap_points(graph, cand_lonlat_all, **snap_kw)
        keep = np.flatnonzero(cand_snap.ok)
        cand_nodes = cand_snap.node[keep]
        cand_offset = snap_offsets(cand_snap, include)[keep]
        cand_lonlat = cand_lonlat_all[keep]
        cand_label = keep.astype(np.int64)

    rows_node, rows_offset, rows_weight = _uncovered_rows(base, include)
    sets = cover_sets(
        graph,
        rows_node,
        rows_offset,
        rows_weight,
        cand_nodes,
        cand_offset,
        limit,
        progress=progress,
    )
    chosen = greedy(sets, k)

    picks = []
    covered_pop = base_covered
    for rank, (c, gain) in enumerate(chosen, start=1):
        covered_pop += gain
        picks.append(
            SitePick(
                rank=rank,
                node=int(cand_nodes[c]),
                lon=float(cand_lonlat[c, 0]),
                lat=float(cand_lonlat[c, 1]),
                candidate=int(cand_label[c]),
                gain=float(gain),
                covered_population=float(covered_pop),
                percentage=percentage_of(covered_pop, total),
            )
        )
    return Recommendation(
        picks=picks,
        limit_m=limit,
        include_snap_distance=include,
        total_population=total,
        base_covered_population=base_covered,
        candidates=cand_snap,
        stats={"rows": int(rows_node.shape[0]), "pairs": int(sets.indices.shape[0])},
    )


def _existing_places(graph: WalkGraph, existing, snap_kw) -> SnapResult:
    if existing is None:
        return snap_points(graph, np.zeros((0, 2)), **snap_kw)
    arr = np.asarray(existing)
    if arr.ndim == 1 and arr.size and np.issubdtype(arr.dtype, np.integer):
        if arr.min() < 0 or arr.max() >= graph.n_nodes:
            raise ValueError("已有服务阵地的节点编号超出路网范围")
        m = arr.shape[0]
        return SnapResult(
            node=arr.astype(np.int32),
            snap_m=np.zeros(m),
            status=np.zeros(m, dtype=np.int8),
            max_snap_m=float(snap_kw["max_snap_m"]),
        )
    return snap_points(graph, arr, **snap_kw)


def _self_snapping_nodes(graph: WalkGraph, min_component_nodes: int) -> np.ndarray:
    """Eligible nodes that snapping maps back onto themselves.

    Where two nodes share a position only one of them can be the answer of a
    nearest-node query; keeping just that one makes a recommended site, given back
    as coordinates, land on the node it was scored at.
    """

    def build():
        tree, eligible = snap_index(graph, min_component_nodes)
        _, nearest = tree.query(graph.node_xy()[eligible], k=1)
        return eligible[eligible[nearest] == eligible]

    return graph.cached(("self_snapping", int(min_component_nodes)), build)


def _uncovered_rows(base: CoverageResult, include: bool):
    """Group the uncovered, placeable residents that have population.

    Residents on the same node with the same snap distance are interchangeable, so
    they share one row. Returns (node, offset, weight) per row, sorted by node
    and then offset.
    """
    idx = np.flatnonzero(base.points.ok & ~base.covered & (base.population > 0))
    node = base.points.node[idx].astype(np.int64)
    offset = snap_offsets(base.points, include)[idx]
    if idx.size == 0:
        return np.zeros(0, dtype=np.int32), np.zeros(0), np.zeros(0)
    order = np.lexsort((offset, node))
    node_s, off_s = node[order], offset[order]
    new = np.ones(order.shape[0], dtype=bool)
    new[1:] = (node_s[1:] != node_s[:-1]) | (off_s[1:] != off_s[:-1])
    row_of_sorted = np.cumsum(new) - 1
    weight = np.bincount(row_of_sorted, weights=base.population[idx][order])
    return node_s[new].astype(np.int32), off_s[new], weight

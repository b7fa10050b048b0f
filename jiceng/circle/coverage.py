"""Coverage of the 15-minute service circle, and where to add service places.

A resident is covered when a party-and-public service place lies within the walking
limit (GB 50180-2018: a 15-minute walk, 1000 m by default) over the walking network.

Snapping. Residents and places are given as WGS-84 points and attached to their
nearest network node ("snapping"). A point is left out, with a reason, when its
coordinates are invalid, when it lies outside the bounding box of the network (the
network data ends there, so the nearest place could be on the far side of the edge
and the answer would be a guess), or when the nearest node is farther than
``max_snap_m``. Nodes of small islands (components with fewer than
``min_component_nodes`` nodes, other than the largest component) are never snapped
to: a footpath fragment cut off by the extract boundary would otherwise capture a
resident or a place and make it unreachable.

Snap distances. With ``include_snap_distance=True`` (the default) the straight-line
snap distance of the resident and of the place are both added to the network
distance, because the resident really walks from the door to the street and from the
street to the place. With ``False`` only the network distance between the snapped
nodes counts.

Population outside the network counts in the total but is never covered, so the
coverage percentage is not flattered by data that could not be placed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from jiceng.circle.network import WalkGraph, haversine_m

DEFAULT_LIMIT_M = 1000.0
DEFAULT_MAX_SNAP_M = 500.0
DEFAULT_MIN_COMPONENT_NODES = 50
# 1000 m in 15 minutes, so that a 15-minute walk and the 1000 m limit of GB 50180-2018 agree.
DEFAULT_WALK_SPEED_M_PER_MIN = 1000.0 / 15.0
# Distances are compared with this slack so that a resident exactly at the limit is
# judged the same whichever way round a path's lengths happen to be added up.
DISTANCE_TOLERANCE_M = 1e-6

SNAP_OK = 0
SNAP_INVALID = 1
SNAP_OUTSIDE_EXTENT = 2
SNAP_TOO_FAR = 3

# Dense distance blocks of the bounded searches are kept below this many cells (8 bytes each).
_BLOCK_CELLS = 4_000_000


def limit_from_minutes(minutes: float = 15.0, speed_m_per_min: float = DEFAULT_WALK_SPEED_M_PER_MIN) -> float:
    """Walking limit in metres for ``minutes`` at ``speed_m_per_min``.

    The default pace makes ``limit_from_minutes(15)`` equal to 1000 m.
    """
    if not (np.isfinite(minutes) and minutes >= 0):
        raise ValueError("步行时间必须是非负数")
    if not (np.isfinite(speed_m_per_min) and speed_m_per_min > 0):
        raise ValueError("步行速度必须是正数")
    # Rounded to the micrometre so that 15 × (1000 / 15) comes out as exactly 1000.
    return round(float(minutes) * float(speed_m_per_min), 6)


def _as_lonlat(lonlat, what: str) -> np.ndarray:
    arr = np.asarray(lonlat, dtype=np.float64)
    if arr.size == 0:
        return np.zeros((0, 2), dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"{what}的坐标必须是 (经度, 纬度) 的 N×2 数组")
    return arr


def _as_population(population, n: int) -> np.ndarray:
    if population is None:
        return np.ones(n, dtype=np.float64)
    pop = np.asarray(population, dtype=np.float64).reshape(-1)
    if pop.shape[0] != n:
        raise ValueError(f"人口数的个数（{pop.shape[0]}）与居民点个数（{n}）不一致")
    if not np.all(np.isfinite(pop)) or (pop.size and pop.min() < 0):
        raise ValueError("人口数必须是非负数")
    return pop


def _limit(limit_m: float) -> float:
    if not (np.isfinite(limit_m) and limit_m >= 0):
        raise ValueError("步行距离上限必须是非负数")
    return float(limit_m)


def _percentage(part: float, whole: float) -> float | None:
    return 100.0 * part / whole if whole > 0 else None


# --------------------------------------------------------------------------- snapping


@dataclass
class SnapResult:
    """Where each point attaches to the network.

    Attributes:
        node: int32 node index, -1 when the point is outside the network.
        snap_m: float64 great-circle distance to the nearest eligible node (NaN for
            invalid coordinates); set for outside points too, for the reason text.
        status: int8 code per point: ``SNAP_OK``, ``SNAP_INVALID``,
            ``SNAP_OUTSIDE_EXTENT`` or ``SNAP_TOO_FAR``.
        max_snap_m: the snap limit that was applied.
    """

    node: np.ndarray
    snap_m: np.ndarray
    status: np.ndarray
    max_snap_m: float

    def __len__(self) -> int:
        return int(self.node.shape[0])

    @property
    def ok(self) -> np.ndarray:
        """Mask of the points attached to the network."""
        return self.status == SNAP_OK

    @property
    def outside(self) -> np.ndarray:
        """Mask of the points reported as outside the network."""
        return self.status != SNAP_OK

    def reason(self, i: int) -> str:
        """Why point ``i`` is outside the network, in Chinese; '' when it is not."""
        status = int(self.status[i])
        d = float(self.snap_m[i])
        if status == SNAP_OK:
            return ""
        if status == SNAP_INVALID:
            return "坐标无效（经纬度缺失或超出取值范围）"
        if status == SNAP_OUTSIDE_EXTENT:
            return f"位于路网范围之外（距最近路网节点约 {d:.0f} 米）"
        return f"距最近路网节点 {d:.0f} 米，超过最大吸附距离 {self.max_snap_m:.0f} 米"

    def reasons(self) -> list[str]:
        """:meth:`reason` for every point."""
        return [self.reason(i) for i in range(len(self))]


def _snap_index(graph: WalkGraph, min_component_nodes: int):
    """(KD-tree, node indices) over the nodes that may be snapped to (cached)."""

    def build():
        sizes = graph.component_sizes()
        big = (sizes >= min_component_nodes) | (np.arange(sizes.shape[0]) == 0)
        eligible = np.flatnonzero(big[graph.component]).astype(np.int32)
        return cKDTree(graph.node_xy()[eligible]), eligible

    return graph.cached(("snap_index", int(min_component_nodes)), build)


def snap_points(
    graph: WalkGraph,
    lonlat,
    *,
    max_snap_m: float = DEFAULT_MAX_SNAP_M,
    min_component_nodes: int = DEFAULT_MIN_COMPONENT_NODES,
    extent_margin_m: float = 0.0,
) -> SnapResult:
    """Attach (lon, lat) points to their nearest eligible network node.

    Points with invalid coordinates, outside the network's bounding box grown by
    ``extent_margin_m``, or farther than ``max_snap_m`` from every eligible node
    get node -1 and a status saying why (see :class:`SnapResult`).
    """
    pts = _as_lonlat(lonlat, "点")
    n = pts.shape[0]
    node = np.full(n, -1, dtype=np.int32)
    snap = np.full(n, np.nan, dtype=np.float64)
    status = np.full(n, SNAP_INVALID, dtype=np.int8)
    if n == 0 or graph.n_nodes == 0:
        return SnapResult(node, snap, status, float(max_snap_m))

    lon, lat = pts[:, 0], pts[:, 1]
    valid = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
    tree, eligible = _snap_index(graph, min_component_nodes)
    idx = np.flatnonzero(valid)
    xy = graph.projection.forward(lon[idx], lat[idx])
    _, nearest = tree.query(xy, k=1)
    nearest_node = eligible[nearest]
    snap[idx] = haversine_m(lon[idx], lat[idx], graph.node_lon[nearest_node], graph.node_lat[nearest_node])

    node_xy = graph.node_xy()
    lo = node_xy.min(axis=0) - extent_margin_m
    hi = node_xy.max(axis=0) + extent_margin_m
    inside = np.all((xy >= lo) & (xy <= hi), axis=1)
    near = snap[idx] <= max_snap_m
    status[idx] = np.where(~inside, SNAP_OUTSIDE_EXTENT, np.where(near, SNAP_OK, SNAP_TOO_FAR))
    ok = idx[inside & near]
    node[ok] = nearest_node[inside & near]
    return SnapResult(node, snap, status, float(max_snap_m))


# --------------------------------------------------------------------------- coverage


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
        return _percentage(self.covered_population, self.total_population)

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


def _offsets(snaps: SnapResult, include_snap_distance: bool) -> np.ndarray:
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


def _coverage(
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
        _offsets(places, include_snap_distance)[ok_places],
        limit,
    )
    node_place = np.full(graph.n_nodes, -1, dtype=np.int32)
    reached = node_src >= 0
    node_place[reached] = ok_places[node_src[reached]]

    n = len(points)
    distance = np.full(n, np.inf)
    nearest = np.full(n, -1, dtype=np.int32)
    ok = np.flatnonzero(points.ok)
    total = node_dist[points.node[ok]] + _offsets(points, include_snap_distance)[ok]
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
    Snapping rules and the handling of snap distances are described in the module
    docstring.
    """
    limit = _limit(limit_m)
    snap_kw = {
        "max_snap_m": max_snap_m,
        "min_component_nodes": min_component_nodes,
        "extent_margin_m": extent_margin_m,
    }
    places = snap_points(graph, place_lonlat, **snap_kw)
    points = snap_points(graph, points_lonlat, **snap_kw)
    pop = _as_population(population, len(points))
    return _coverage(graph, places, points, pop, limit, include_snap_distance)


@dataclass(frozen=True)
class GroupCoverage:
    """Coverage totals of one group of residential points."""

    points: int
    covered_points: int
    population: float
    covered_population: float
    percentage: float | None


def coverage_by_group(result: CoverageResult, keys) -> dict:
    """Coverage per group, e.g. per community code.

    ``keys`` holds one group key per residential point. Returns ``{key:
    GroupCoverage}``, keys in sorted order when they can be sorted, else in order
    of first appearance.
    """
    keys = list(keys)
    if len(keys) != len(result.points):
        raise ValueError(f"分组键的个数（{len(keys)}）与居民点个数（{len(result.points)}）不一致")
    codes: dict = {}
    inverse = np.fromiter((codes.setdefault(k, len(codes)) for k in keys), dtype=np.int64, count=len(keys))
    g = len(codes)
    covered = result.covered
    pop = result.population
    n_points = np.bincount(inverse, minlength=g)
    n_covered = np.bincount(inverse, weights=covered.astype(np.float64), minlength=g)
    total = np.bincount(inverse, weights=pop, minlength=g)
    cov = np.bincount(inverse, weights=np.where(covered, pop, 0.0), minlength=g)
    ordered = list(codes)
    try:
        ordered = sorted(ordered)
    except TypeError:
        pass
    out = {}
    for key in ordered:
        i = codes[key]
        out[key] = GroupCoverage(
            points=int(n_points[i]),
            covered_points=int(n_covered[i]),
            population=float(total[i]),
            covered_population=float(cov[i]),
            percentage=_percentage(float(cov[i]), float(total[i])),
        )
    return out


# --------------------------------------------------------------------------- recommending


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
    def base_percentage(self) -> float | None:
        return _percentage(self.base_covered_population, self.total_population)

    @property
    def covered_population(self) -> float:
        """Covered population with all picks added."""
        return self.picks[-1].covered_population if self.picks else self.base_covered_population

    @property
    def percentage(self) -> float | None:
        return _percentage(self.covered_population, self.total_population)

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
        if limit_m is not None and _limit(limit_m) != base.limit_m:
            raise ValueError("步行距离上限与已有覆盖结果不一致")
        if include_snap_distance is not None and include_snap_distance != base.include_snap_distance:
            raise ValueError("是否计入吸附距离与已有覆盖结果不一致")
        if points_lonlat is not None and len(_as_lonlat(points_lonlat, "居民点")) != len(base.points):
            raise ValueError("居民点与已有覆盖结果不一致")
        limit, include = base.limit_m, base.include_snap_distance
    else:
        if points_lonlat is None:
            raise ValueError("缺少居民点坐标")
        limit = _limit(DEFAULT_LIMIT_M if limit_m is None else limit_m)
        include = True if include_snap_distance is None else bool(include_snap_distance)
        points = snap_points(graph, points_lonlat, **snap_kw)
        pop = _as_population(population, len(points))
        places = _existing_places(graph, existing, snap_kw)
        base = _coverage(graph, places, points, pop, limit, include)

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
        cand_lonlat_all = _as_lonlat(candidates, "候选点")
        cand_snap = snap_points(graph, cand_lonlat_all, **snap_kw)
        keep = np.flatnonzero(cand_snap.ok)
        cand_nodes = cand_snap.node[keep]
        cand_offset = _offsets(cand_snap, include)[keep]
        cand_lonlat = cand_lonlat_all[keep]
        cand_label = keep.astype(np.int64)

    rows_node, rows_offset, rows_weight = _uncovered_rows(base, include)
    sets = _cover_sets(
        graph,
        rows_node,
        rows_offset,
        rows_weight,
        cand_nodes,
        cand_offset,
        limit,
        progress=progress,
    )
    chosen = _greedy(sets, k)

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
                percentage=_percentage(covered_pop, total),
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
        tree, eligible = _snap_index(graph, min_component_nodes)
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
    offset = _offsets(base.points, include)[idx]
    if idx.size == 0:
        return np.zeros(0, dtype=np.int32), np.zeros(0), np.zeros(0)
    order = np.lexsort((offset, node))
    node_s, off_s = node[order], offset[order]
    new = np.ones(order.shape[0], dtype=bool)
    new[1:] = (node_s[1:] != node_s[:-1]) | (off_s[1:] != off_s[:-1])
    row_of_sorted = np.cumsum(new) - 1
    weight = np.bincount(row_of_sorted, weights=base.population[idx][order])
    return node_s[new].astype(np.int32), off_s[new], weight


@dataclass
class _CoverSets:
    """Which candidates would cover each row, rows stored one after another (CSR).

    ``indices[indptr[r]:indptr[r + 1]]`` are the candidates within reach of row
    ``r``; ``weight`` is each row's population and ``gains`` each candidate's
    total reachable population.
    """

    indptr: np.ndarray
    indices: np.ndarray
    weight: np.ndarray
    gains: np.ndarray


def _cover_sets(
    graph: WalkGraph,
    rows_node: np.ndarray,
    rows_offset: np.ndarray,
    rows_weight: np.ndarray,
    cand_nodes: np.ndarray,
    cand_offset: np.ndarray,
    limit: float,
    progress: bool = False,
) -> _CoverSets:
    """Find, for every uncovered row, the candidates within the walking limit.

    Bounded Dijkstra runs from the rows' nodes rather than from the candidates, as
    uncovered residents are far fewer than network nodes. The sources are handled
    in spatial tiles, and each tile searches only the subgraph a path within the
    limit can reach (a straight-line box around the tile), so a search costs in
    proportion to that box and not to the whole network, and the dense distance
    blocks the search returns stay small. Rows are renumbered in processing order
    so that the result comes out row by row without sorting.
    """
    from tqdm import tqdm

    n = graph.n_nodes
    n_cand = cand_nodes.shape[0]
    gains = np.zeros(n_cand, dtype=np.float64)
    if rows_node.shape[0] == 0 or n_cand == 0:
        return _CoverSets(np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32), np.zeros(0), gains)

    bound = limit + DISTANCE_TOLERANCE_M
    min_cand_offset = float(cand_offset.min())

    # Rows are sorted by (node, offset): the rows of source s are
    # row_start[s] .. row_start[s] + row_count[s] - 1, the first with the least offset.
    sources, row_start, row_count = np.unique(rows_node, return_index=True, return_counts=True)
    src_min_offset = rows_offset[row_start]

    # Candidates on node v: cand_order[per_node_start[v]:per_node_start[v + 1]].
    cand_order = np.argsort(cand_nodes, kind="stable")
    per_node_start = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(cand_nodes, minlength=n), out=per_node_start[1:])

    csr = graph.csr()
    xy = graph.node_xy()
    # The local projection stretches east-west distances away from the centre
    # latitude, and edges shorter than their straight line would let paths cut
    # corners; both widen the search box so it never misses a reachable node.
    lat0 = graph.projection.lat0
    stretch = np.cos(np.radians(lat0)) / np.cos(np.radians(min(89.0, float(np.abs(graph.node_lat).max()))))
    ratio = max(graph.min_length_ratio(), 1e-6)
    radius = (bound - min_cand_offset) * max(1.0, stretch) / ratio * 1.001 + 1.0

    x_order = np.argsort(xy[:, 0], kind="stable")
    x_sorted = xy[x_order, 0]
    local = np.full(n, -1, dtype=np.int64)

    tile = max(limit, 50.0)
    src_xy = xy[sources]
    tx = np.floor((src_xy[:, 0] - src_xy[:, 0].min()) / tile).astype(np.int64)
    ty = np.floor((src_xy[:, 1] - src_xy[:, 1].min()) / tile).astype(np.int64)
    tile_key = tx * (int(ty.max()) + 1) + ty
    by_tile = np.argsort(tile_key, kind="stable")
    tiles = np.split(by_tile, np.flatnonzero(np.diff(tile_key[by_tile])) + 1)

    row_order: list[np.ndarray] = []
    row_nnz: list[np.ndarray] = []
    pieces: list[np.ndarray] = []
    for tile_sources in tqdm(tiles, desc="计算可达范围", unit="片", disable=not progress, leave=False):
        sx = src_xy[tile_sources]
        x_lo, y_lo = sx.min(axis=0) - radius
        x_hi, y_hi = sx.max(axis=0) + radius
        strip = x_order[np.searchsorted(x_sorted, x_lo, "left") : np.searchsorted(x_sorted, x_hi, "right")]
        sub = np.sort(strip[(xy[strip, 1] >= y_lo) & (xy[strip, 1] <= y_hi)])
        local[sub] = np.arange(sub.shape[0])
        sub_graph = _subgraph(csr, sub, local)

        per_chunk = max(1, _BLOCK_CELLS // max(1, sub.shape[0]))
        for lo in range(0, tile_sources.shape[0], per_chunk):
            chunk = tile_sources[lo : lo + per_chunk]
            chunk_limit = bound - float(src_min_offset[chunk].min()) - min_cand_offset
            dist = None
            if chunk_limit >= 0:
                dist = dijkstra(sub_graph, directed=True, indices=local[sources[chunk]], limit=chunk_limit)
            rows, counts, cands = _chunk_sets(
                dist,
                chunk_limit,
                sub,
                row_start[chunk],
                row_count[chunk],
                rows_offset,
                per_node_start,
                cand_order,
                cand_offset,
                bound,
            )
            row_order.append(rows)
            row_nnz.append(counts)
            pieces.append(cands)
            gains += np.bincount(cands, weights=np.repeat(rows_weight[rows], counts), minlength=n_cand)
        local[sub] = -1

    order = np.concatenate(row_order)
    nnz = np.concatenate(row_nnz)
    indptr = np.zeros(order.shape[0] + 1, dtype=np.int64)
    np.cumsum(nnz, out=indptr[1:])
    indices = np.concatenate(pieces)
    del pieces
    return _CoverSets(indptr, indices, rows_weight[order], gains)


def _subgraph(csr: sp.csr_array, sub: np.ndarray, local: np.ndarray) -> sp.csr_array:
    """The subgraph induced by the nodes ``sub`` (``local`` maps a node to its
    position in ``sub``, -1 for nodes outside it)."""
    indptr, indices, data = csr.indptr, csr.indices, csr.data
    counts = (indptr[sub + 1] - indptr[sub]).astype(np.int64)
    pos = _ranges(indptr[sub].astype(np.int64), counts)
    cols = local[indices[pos]]
    keep = cols >= 0
    row_of = np.repeat(np.arange(sub.shape[0]), counts)
    new_indptr = np.zeros(sub.shape[0] + 1, dtype=np.int64)
    np.cumsum(np.bincount(row_of[keep], minlength=sub.shape[0]), out=new_indptr[1:])
    return sp.csr_array(
        (data[pos][keep], cols[keep].astype(np.int32), new_indptr.astype(np.int32)),
        shape=(sub.shape[0], sub.shape[0]),
    )


def _ranges(starts: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(s, s + c)`` for each start and count."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, dtype=np.int64)
    offsets = np.cumsum(counts) - counts
    return np.repeat(np.asarray(starts, dtype=np.int64) - offsets, counts) + np.arange(total)


def _chunk_sets(
    dist,
    chunk_limit,
    sub,
    src_row_start,
    src_row_count,
    rows_offset,
    per_node_start,
    cand_order,
    cand_offset,
    bound,
):
    """The rows of one chunk of sources and, row after row, the candidates each reaches.

    Returns (row ids in output order, candidates per row, candidate ids).
    """
    rows = _ranges(src_row_start, src_row_count)
    if dist is None:
        return rows, np.zeros(rows.shape[0], dtype=np.int64), np.zeros(0, dtype=np.int32)
    m = dist.shape[0]
    ci, vi = np.nonzero(dist <= chunk_limit)  # sorted by source
    reached = np.bincount(ci, minlength=m)
    first = np.cumsum(reached) - reached
    # Every row of a source gets all the nodes that source reached, row after row.
    src_of_row = np.repeat(np.arange(m), src_row_count)
    pos = _ranges(first[src_of_row], reached[src_of_row])
    row_local = np.repeat(np.arange(rows.shape[0]), reached[src_of_row])
    d = dist[ci[pos], vi[pos]] + rows_offset[rows[row_local]]
    keep = d <= bound
    node = sub[vi[pos[keep]]]
    d, row_local = d[keep], row_local[keep]
    # Then every candidate standing on a reached node, in place.
    c_start = per_node_start[node]
    c_count = per_node_start[node + 1] - c_start
    cands = cand_order[_ranges(c_start, c_count)]
    d = np.repeat(d, c_count) + cand_offset[cands]
    row_local = np.repeat(row_local, c_count)
    keep = d <= bound
    counts = np.bincount(row_local[keep], minlength=rows.shape[0])
    return rows, counts, cands[keep].astype(np.int32)


def _greedy(sets: _CoverSets, k: int) -> list[tuple[int, float]]:
    """Greedy maximum coverage; returns [(candidate, gain)].

    After each pick only the gains of candidates that reach a newly covered row
    are lowered, by that row's population, so no gain is ever recomputed from
    scratch. Ties go to the lowest candidate index.
    """
    gains = sets.gains.copy()
    indptr, indices, weight = sets.indptr, sets.indices, sets.weight
    uncovered = np.ones(weight.shape[0], dtype=bool)
    picks: list[tuple[int, float]] = []
    while len(picks) < k and gains.size:
        c = int(np.argmax(gains))
        if gains[c] <= 0:
            break
        pos = np.flatnonzero(indices == c)
        rows = np.searchsorted(indptr, pos, side="right") - 1
        newly = rows[uncovered[rows]]
        uncovered[newly] = False
        picks.append((c, float(weight[newly].sum())))
        counts = indptr[newly + 1] - indptr[newly]
        touched = indices[_ranges(indptr[newly], counts)]
        gains -= np.bincount(touched, weights=np.repeat(weight[newly], counts), minlength=gains.shape[0])
        # The pick reaches no uncovered row any more; say so exactly despite rounding.
        gains[c] = 0.0
    return picks

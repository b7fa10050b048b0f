"""Attaching WGS-84 points to their nearest eligible network node (see the package docstring)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

from jiceng.circle.coverage.common import (
    DEFAULT_MAX_SNAP_M,
    DEFAULT_MIN_COMPONENT_NODES,
    SNAP_INVALID,
    SNAP_OK,
    SNAP_OUTSIDE_EXTENT,
    SNAP_TOO_FAR,
    as_lonlat,
)
from jiceng.circle.network import WalkGraph, haversine_m


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


# Many queries are answered faster in spatial order (the tree's nodes stay in cache);
# the order does not change any answer.
_SORT_QUERIES_FROM = 1000
_QUERY_CELL_M = 500.0


def snap_index(graph: WalkGraph, min_component_nodes: int) -> tuple[cKDTree, np.ndarray]:
    """(KD-tree, node indices) over the nodes that may be snapped to (cached; see
    :meth:`WalkGraph.snap_index`)."""
    return graph.snap_index(min_component_nodes)


def nearest_eligible(tree: cKDTree, xy: np.ndarray) -> np.ndarray:
    """Index into the tree's points of the nearest one to each of ``xy``."""
    if xy.shape[0] < _SORT_QUERIES_FROM:
        return tree.query(xy, k=1)[1]
    cell = np.floor((xy - xy.min(axis=0)) / _QUERY_CELL_M).astype(np.int64)
    order = np.argsort(cell[:, 1] * (int(cell[:, 0].max()) + 1) + cell[:, 0], kind="stable")
    nearest = np.empty(xy.shape[0], dtype=np.intp)
    nearest[order] = tree.query(xy[order], k=1)[1]
    return nearest


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
    pts = as_lonlat(lonlat, "点")
    n = pts.shape[0]
    node = np.full(n, -1, dtype=np.int32)
    snap = np.full(n, np.nan, dtype=np.float64)
    status = np.full(n, SNAP_INVALID, dtype=np.int8)
    if n == 0 or graph.n_nodes == 0:
        return SnapResult(node, snap, status, float(max_snap_m))

    lon, lat = pts[:, 0], pts[:, 1]
    valid = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lon) <= 180) & (np.abs(lat) <= 90)
    tree, eligible = snap_index(graph, min_component_nodes)
    idx = np.flatnonzero(valid)
    xy = graph.projection.forward(lon[idx], lat[idx])
    nearest_node = eligible[nearest_eligible(tree, xy)]
    snap[idx] = haversine_m(lon[idx], lat[idx], graph.node_lon[nearest_node], graph.node_lat[nearest_node])

    lo, hi = graph.xy_bounds()
    lo, hi = lo - extent_margin_m, hi + extent_margin_m
    inside = np.all((xy >= lo) & (xy <= hi), axis=1)
    near = snap[idx] <= max_snap_m
    status[idx] = np.where(~inside, SNAP_OUTSIDE_EXTENT, np.where(near, SNAP_OK, SNAP_TOO_FAR))
    ok = idx[inside & near]
    node[ok] = nearest_node[inside & near]
    return SnapResult(node, snap, status, float(max_snap_m))

"""Synthetic walking networks, residents and places for demos and benchmarks.

Everything is deterministic for a given seed. The networks are street grids with
some irregularity (jittered junctions, missing street segments) so that shortest
paths are not all ties; edge lengths are the great-circle lengths of the segments.
"""

from __future__ import annotations

import numpy as np

from jiceng.circle.network import LocalProjection, WalkGraph, haversine_m

# Approximate centre of the demo district (Wuhou District, Chengdu).
DEMO_CENTER_LON = 104.04
DEMO_CENTER_LAT = 30.64


def grid_network(
    center_lon: float = DEMO_CENTER_LON,
    center_lat: float = DEMO_CENTER_LAT,
    n_side: int | tuple[int, int] = 50,
    spacing_m: float = 80.0,
    *,
    jitter: float = 0.15,
    drop_fraction: float = 0.04,
    seed: int = 0,
) -> WalkGraph:
    """A street grid of ``n_side`` × ``n_side`` junctions around a centre point.

    ``n_side`` may also be a (columns, rows) pair. Junctions move randomly by up to
    ``jitter`` × ``spacing_m`` in each direction and a ``drop_fraction`` of the
    street segments are left out, the way blocks and dead ends break a real grid.
    """
    nx, ny = (n_side, n_side) if np.isscalar(n_side) else n_side
    nx, ny = int(nx), int(ny)
    if nx < 1 or ny < 1:
        raise ValueError("网格边长必须至少为 1")
    if spacing_m <= 0:
        raise ValueError("网格间距必须是正数")
    rng = np.random.default_rng(seed)
    ix, iy = np.meshgrid(np.arange(nx), np.arange(ny), indexing="ij")
    x = (ix.ravel() - (nx - 1) / 2) * spacing_m
    y = (iy.ravel() - (ny - 1) / 2) * spacing_m
    x = x + rng.uniform(-jitter, jitter, x.shape) * spacing_m
    y = y + rng.uniform(-jitter, jitter, y.shape) * spacing_m
    lon, lat = LocalProjection(center_lon, center_lat).inverse(x, y)

    node = np.arange(nx * ny).reshape(nx, ny)
    u = np.concatenate([node[:-1, :].ravel(), node[:, :-1].ravel()])
    v = np.concatenate([node[1:, :].ravel(), node[:, 1:].ravel()])
    keep = rng.random(u.shape[0]) >= drop_fraction
    u, v = u[keep], v[keep]
    length = haversine_m(lon[u], lat[u], lon[v], lat[v])
    return WalkGraph(
        node_lon=lon,
        node_lat=lat,
        edge_u=u,
        edge_v=v,
        edge_len_m=length,
        source=f"synthetic grid {nx}x{ny} @ {spacing_m:g} m, seed {seed}",
    )


def _bbox(graph_or_bbox) -> tuple[float, float, float, float]:
    if isinstance(graph_or_bbox, WalkGraph):
        return graph_or_bbox.extent
    x0, y0, x1, y1 = (float(a) for a in graph_or_bbox)
    if not (x0 <= x1 and y0 <= y1):
        raise ValueError("范围必须是 (最小经度, 最小纬度, 最大经度, 最大纬度)")
    return x0, y0, x1, y1


def residential_points(
    graph_or_bbox,
    n: int,
    seed: int = 0,
    *,
    clustered_fraction: float = 0.6,
    n_clusters: int | None = None,
    mean_population: float = 300.0,
) -> tuple[np.ndarray, np.ndarray]:
    """``n`` residential points (residential compounds) with their populations.

    Points lie inside the graph's extent (or a (min_lon, min_lat, max_lon,
    max_lat) box). A ``clustered_fraction`` of them gathers around a few centres,
    as housing does, the rest is spread evenly. Returns ``(lonlat (n, 2),
    population (n,) int64)``; populations are skewed, at least 10.
    """
    x0, y0, x1, y1 = _bbox(graph_or_bbox)
    rng = np.random.default_rng(seed)
    n = int(n)
    n_clustered = int(round(n * clustered_fraction))
    if n_clusters is None:
        n_clusters = max(1, n // 2000)
    lon = rng.uniform(x0, x1, n)
    lat = rng.uniform(y0, y1, n)
    if n_clustered:
        c_lon = rng.uniform(x0, x1, n_clusters)
        c_lat = rng.uniform(y0, y1, n_clusters)
        which = rng.integers(0, n_clusters, n_clustered)
        # Clusters a tenth of the area across.
        lon[:n_clustered] = np.clip(c_lon[which] + rng.normal(0, (x1 - x0) / 10, n_clustered), x0, x1)
        lat[:n_clustered] = np.clip(c_lat[which] + rng.normal(0, (y1 - y0) / 10, n_clustered), y0, y1)
    sigma = 0.8
    population = rng.lognormal(np.log(max(mean_population, 1.0)) - sigma**2 / 2, sigma, n)
    population = np.maximum(10, np.round(population)).astype(np.int64)
    return np.column_stack([lon, lat]), population


def places(graph: WalkGraph, n: int, seed: int = 0, *, offset_m: float = 30.0) -> np.ndarray:
    """``n`` service places near distinct nodes of the largest component.

    Each place is moved up to ``offset_m`` off its node, as a building stands
    beside the street. Returns an (n, 2) array of (lon, lat).
    """
    rng = np.random.default_rng(seed)
    pool = np.flatnonzero(graph.component == 0)
    if n > pool.shape[0]:
        raise ValueError(f"路网最大连通区域只有 {pool.shape[0]} 个节点，不够放置 {n} 个服务阵地")
    chosen = rng.choice(pool, size=int(n), replace=False)
    proj = graph.projection
    node_xy = graph.node_xy()
    xy = node_xy[chosen] + rng.uniform(-offset_m, offset_m, (chosen.shape[0], 2)) / np.sqrt(2)
    # Stay inside the network's extent, or the place would be reported as outside it.
    xy = np.clip(xy, node_xy.min(axis=0), node_xy.max(axis=0))
    lon, lat = proj.inverse(xy[:, 0], xy[:, 1])
    return np.column_stack([lon, lat])

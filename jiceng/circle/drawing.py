"""Making the walking network light enough to draw in a browser.

Pure numpy, no Django, so benchmarks can time it on their own.
"""

from __future__ import annotations

import numpy as np

from jiceng.circle.network import WalkGraph


def bbox_mask(lonlat: np.ndarray, bbox) -> np.ndarray:
    """Which (lon, lat) rows lie in ``bbox`` = (west, south, east, north); all of them for None."""
    if bbox is None:
        return np.ones(lonlat.shape[0], dtype=bool)
    w, s, e, n = bbox
    return (lonlat[:, 0] >= w) & (lonlat[:, 0] <= e) & (lonlat[:, 1] >= s) & (lonlat[:, 1] <= n)


def grow(bbox, fraction: float):
    """``bbox`` widened by ``fraction`` of its size on every side (None stays None)."""
    if bbox is None:
        return None
    w, s, e, n = bbox
    dx, dy = (e - w) * fraction, (n - s) * fraction
    return (w - dx, s - dy, e + dx, n + dy)


def street_segments(graph: WalkGraph, reached: np.ndarray, bbox=None, max_edges: int = 5000):
    """Street segments to draw inside ``bbox``, each flagged covered or not.

    ``reached`` marks the nodes within walking reach of a place. A segment is
    covered when both its ends are. With more than ``max_edges`` segments in view
    the network is simplified by vertex clustering: nodes merge into square cells,
    grown until few enough distinct cell-to-cell links remain, and each link runs
    between its cells' centres (a cell counts as covered when at least half its
    nodes are). The street pattern survives at a coarser grain.

    Returns ``(segments, covered, simplified)``: an (m, 4) array of (lat1, lon1,
    lat2, lon2), a boolean array of m, and whether it was simplified.
    """
    node_in = bbox_mask(np.column_stack([graph.node_lon, graph.node_lat]), bbox)
    keep = node_in[graph.edge_u] | node_in[graph.edge_v]
    u, v = graph.edge_u[keep].astype(np.int64), graph.edge_v[keep].astype(np.int64)
    if u.shape[0] <= max_edges:
        seg = np.column_stack([graph.node_lat[u], graph.node_lon[u], graph.node_lat[v], graph.node_lon[v]])
        return seg, reached[u] & reached[v], False

    used, inverse = np.unique(np.concatenate([u, v]), return_inverse=True)
    uu, vv = inverse[: u.shape[0]], inverse[u.shape[0] :]
    xy = graph.node_xy()[used]
    span = float(np.max(np.ptp(xy, axis=0))) or 1.0
    cell = span / np.sqrt(max_edges / 2.0)  # a grid of c × c cells has about 2c² links
    for _attempt in range(40):
        cx = np.floor(xy[:, 0] / cell).astype(np.int64)
        cy = np.floor(xy[:, 1] / cell).astype(np.int64)
        cid = (cx - cx.min()) * (int(cy.max() - cy.min()) + 1) + (cy - cy.min())
        cells, node_cell = np.unique(cid, return_inverse=True)
        ca, cb = node_cell[uu], node_cell[vv]
        links = ca != cb
        pairs = np.unique(np.column_stack([np.minimum(ca, cb), np.maximum(ca, cb)])[links], axis=0)
        if pairs.shape[0] <= max_edges:
            break
        cell *= 1.25
    n_cells = cells.shape[0]
    count = np.bincount(node_cell, minlength=n_cells).astype(np.float64)
    lon_c = np.bincount(node_cell, weights=graph.node_lon[used], minlength=n_cells) / count
    lat_c = np.bincount(node_cell, weights=graph.node_lat[used], minlength=n_cells) / count
    share = np.bincount(node_cell, weights=reached[used].astype(np.float64), minlength=n_cells) / count
    a, b = pairs[:, 0], pairs[:, 1]
    seg = np.column_stack([lat_c[a], lon_c[a], lat_c[b], lon_c[b]])
    return seg, (share[a] >= 0.5) & (share[b] >= 0.5), True

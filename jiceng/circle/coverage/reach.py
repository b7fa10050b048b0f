"""Which candidate sites reach which uncovered residents, and the greedy choice among them.

The searches run from the residents' nodes, tile by tile over a subgraph just large
enough for a path within the limit, so the work grows with the area searched and not
with the whole network.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from scipy.sparse.csgraph import dijkstra

from jiceng.circle.coverage.common import DISTANCE_TOLERANCE_M
from jiceng.circle.network import WalkGraph

# Dense distance blocks of the bounded searches are kept below this many cells (8 bytes each).
_BLOCK_CELLS = 4_000_000


@dataclass
class CoverSets:
    """Which candidates would cover each row, rows stored one after another (CSR).

    ``indices[indptr[r]:indptr[r + 1]]`` are the candidates within reach of row
    ``r``; ``weight`` is each row's population and ``gains`` each candidate's
    total reachable population.
    """

    indptr: np.ndarray
    indices: np.ndarray
    weight: np.ndarray
    gains: np.ndarray


def cover_sets(
    graph: WalkGraph,
    rows_node: np.ndarray,
    rows_offset: np.ndarray,
    rows_weight: np.ndarray,
    cand_nodes: np.ndarray,
    cand_offset: np.ndarray,
    limit: float,
    progress: bool = False,
) -> CoverSets:
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
        return CoverSets(np.zeros(1, dtype=np.int64), np.zeros(0, dtype=np.int32), np.zeros(0), gains)

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
    return CoverSets(indptr, indices, rows_weight[order], gains)


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


def greedy(sets: CoverSets, k: int) -> list[tuple[int, float]]:
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

"""The walking network of the 15-minute service circle.

A :class:`WalkGraph` is a compact, undirected street graph held in plain numpy
arrays: node coordinates (WGS-84) and edges with their lengths in metres. It is
built once from an OpenStreetMap ``.osm.pbf`` extract with :func:`import_pbf`,
saved to a single ``.npz`` file and loaded again in a fraction of a second.

Components: every connected component of the walkable ways is kept, and each node
carries its component label (``component``). Extracts are clipped to a boundary
and OSM has plenty of footpaths that touch nothing, so small islands are normal;
dropping them here would lose data for good. Instead, snapping (see
:mod:`jiceng.circle.coverage`) skips nodes of small islands, so a resident or a
place is never attached to a fragment from which nothing else can be reached.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import scipy
import scipy.sparse as sp
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

EARTH_RADIUS_M = 6_371_008.8
# Version 2 adds the structures a search needs (the sparse matrix and the snapping
# k-d tree), so that a fresh process loads them instead of building them. Version 1
# files still load; their structures are built on first use.
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
# Nodes of components smaller than this (other than the largest) are never snapped to.
DEFAULT_MIN_COMPONENT_NODES = 50

# PBF files start with a 4-byte big-endian BlobHeader size; the OSM PBF format caps
# a BlobHeader at 64 KiB, and the first blob of every PBF file is the "OSMHeader".
_MAX_BLOB_HEADER = 64 * 1024


class NetworkImportError(Exception):
    """A walking network could not be imported or loaded; the message is for users."""


def haversine_m(lon1, lat1, lon2, lat2) -> np.ndarray:
    """Great-circle distance in metres between WGS-84 points (arrays broadcast)."""
    lon1, lat1, lon2, lat2 = (np.radians(np.asarray(a, dtype=np.float64)) for a in (lon1, lat1, lon2, lat2))
    a = np.sin((lat2 - lat1) / 2) ** 2 + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    return 2 * EARTH_RADIUS_M * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


@dataclass(frozen=True)
class LocalProjection:
    """Equirectangular projection to metres around a centre point.

    Accurate to well under 1 % across a city district, which is all a nearest-node
    search needs; reported distances are recomputed on the sphere.
    """

    lon0: float
    lat0: float

    @property
    def _kx(self) -> float:
        return np.radians(1.0) * EARTH_RADIUS_M * np.cos(np.radians(self.lat0))

    @property
    def _ky(self) -> float:
        return np.radians(1.0) * EARTH_RADIUS_M

    def forward(self, lon, lat) -> np.ndarray:
        """(n, 2) array of x, y metres east and north of the centre."""
        lon = np.asarray(lon, dtype=np.float64)
        lat = np.asarray(lat, dtype=np.float64)
        return np.column_stack([(lon - self.lon0) * self._kx, (lat - self.lat0) * self._ky])

    def inverse(self, x, y) -> tuple[np.ndarray, np.ndarray]:
        """Longitudes and latitudes of x, y metres east and north of the centre."""
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        return self.lon0 + x / self._kx, self.lat0 + y / self._ky


@dataclass(eq=False)
class WalkGraph:
    """An undirected walking network.

    The arrays are treated as immutable once the graph exists: derived structures
    (the sparse matrix, spatial indexes) are cached on the instance.

    Attributes:
        node_lon, node_lat: float64 WGS-84 coordinates, one per node.
        edge_u, edge_v: int32 node indices of each edge's ends.
        edge_len_m: float64 edge lengths in metres (walked in both directions).
        node_id: int64 external ids (OSM node ids for imported networks).
        component: int32 connected-component label per node; label 0 is the
            largest component, then by decreasing size.
        source: free-text description of where the graph came from.
    """

    node_lon: np.ndarray
    node_lat: np.ndarray
    edge_u: np.ndarray
    edge_v: np.ndarray
    edge_len_m: np.ndarray
    node_id: np.ndarray | None = None
    component: np.ndarray | None = None
    source: str = ""
    _cache: dict = field(default_factory=dict, init=False, repr=False)

    def __post_init__(self):
        self.node_lon = np.ascontiguousarray(self.node_lon, dtype=np.float64)
        self.node_lat = np.ascontiguousarray(self.node_lat, dtype=np.float64)
        self.edge_u = np.ascontiguousarray(self.edge_u, dtype=np.int32)
        self.edge_v = np.ascontiguousarray(self.edge_v, dtype=np.int32)
        self.edge_len_m = np.ascontiguousarray(self.edge_len_m, dtype=np.float64)
        n = self.node_lon.shape[0]
        if self.node_lat.shape != (n,):
            raise ValueError("节点经度与纬度数量不一致")
        m = self.edge_u.shape[0]
        if self.edge_v.shape != (m,) or self.edge_len_m.shape != (m,):
            raise ValueError("边的起点、终点与长度数量不一致")
        if m and (
            min(self.edge_u.min(), self.edge_v.min()) < 0 or max(self.edge_u.max(), self.edge_v.max()) >= n
        ):
            raise ValueError("边引用了不存在的节点")
        if m and not (np.all(np.isfinite(self.edge_len_m)) and self.edge_len_m.min() >= 0):
            raise ValueError("边长度必须是非负有限数")
        if self.node_id is None:
            self.node_id = np.arange(n, dtype=np.int64)
        else:
            self.node_id = np.ascontiguousarray(self.node_id, dtype=np.int64)
        if self.component is None:
            self.component = _component_labels(self.csr())
        else:
            self.component = np.ascontiguousarray(self.component, dtype=np.int32)

    @property
    def n_nodes(self) -> int:
        return int(self.node_lon.shape[0])

    @property
    def n_edges(self) -> int:
        return int(self.edge_u.shape[0])

    @property
    def extent(self) -> tuple[float, float, float, float]:
        """Bounding box of the nodes: (min_lon, min_lat, max_lon, max_lat)."""
        if self.n_nodes == 0:
            raise ValueError("路网没有节点")
        return (
            float(self.node_lon.min()),
            float(self.node_lat.min()),
            float(self.node_lon.max()),
            float(self.node_lat.max()),
        )

    @property
    def center(self) -> tuple[float, float]:
        """Centre of the bounding box, (lon, lat)."""
        x0, y0, x1, y1 = self.extent
        return (x0 + x1) / 2, (y0 + y1) / 2

    @property
    def projection(self) -> LocalProjection:
        """The local metric projection around the graph's centre."""
        if "projection" not in self._cache:
            self._cache["projection"] = LocalProjection(*self.center)
        return self._cache["projection"]

    def cached(self, key, build):
        """The value cached under ``key``, built by ``build()`` on first use."""
        if key not in self._cache:
            self._cache[key] = build()
        return self._cache[key]

    def node_xy(self) -> np.ndarray:
        """(n, 2) node positions in the local projection, metres (cached)."""
        if "node_xy" not in self._cache:
            self._cache["node_xy"] = self.projection.forward(self.node_lon, self.node_lat)
        return self._cache["node_xy"]

    def xy_bounds(self) -> tuple[np.ndarray, np.ndarray]:
        """(lowest, highest) x and y of the nodes in the local projection (cached)."""
        if "xy_bounds" not in self._cache:
            xy = self.node_xy()
            self._cache["xy_bounds"] = (xy.min(axis=0), xy.max(axis=0))
        return self._cache["xy_bounds"]

    def component_sizes(self) -> np.ndarray:
        """Number of nodes of each component, indexed by label."""
        return np.bincount(self.component, minlength=1)

    def snap_index(
        self, min_component_nodes: int = DEFAULT_MIN_COMPONENT_NODES
    ) -> tuple[cKDTree, np.ndarray]:
        """(k-d tree, node indices) over the nodes that may be snapped to (cached).

        Those are the nodes of the largest component and of every component of at
        least ``min_component_nodes`` nodes. The default's tree is saved with the
        graph and loaded from the file.
        """

        def build():
            sizes = self.component_sizes()
            big = (sizes >= min_component_nodes) | (np.arange(sizes.shape[0]) == 0)
            eligible = np.flatnonzero(big[self.component]).astype(np.int32)
            return cKDTree(self.node_xy()[eligible]), eligible

        return self.cached(("snap_index", int(min_component_nodes)), build)

    def csr(self) -> sp.csr_array:
        """Symmetric sparse matrix of edge lengths (cached).

        Self-loops are dropped and, of parallel edges, only the shortest is kept,
        because a sparse matrix would otherwise add their lengths together. Zero
        lengths stay as explicit entries, which the shortest-path routines treat
        as real edges.
        """
        if "csr" not in self._cache:
            self._cache["csr"] = _symmetric_csr(self.n_nodes, self.edge_u, self.edge_v, self.edge_len_m)
        return self._cache["csr"]

    def min_length_ratio(self) -> float:
        """Smallest ratio of an edge's length to the straight line between its ends.

        Searches that prune by straight-line distance rely on this: a network path
        can be shorter than the straight line only when an edge is.
        """
        if "min_ratio" not in self._cache:
            straight = haversine_m(
                self.node_lon[self.edge_u],
                self.node_lat[self.edge_u],
                self.node_lon[self.edge_v],
                self.node_lat[self.edge_v],
            )
            # Sub-metre edges carry mostly rounding in their stored length.
            long_enough = straight > 1.0
            ratio = self.edge_len_m[long_enough] / straight[long_enough]
            self._cache["min_ratio"] = float(min(1.0, ratio.min())) if ratio.size else 1.0
        return self._cache["min_ratio"]

    def save(self, path: str | os.PathLike) -> Path:
        """Write the graph to one ``.npz`` file, atomically.

        The data goes to a temporary file in the same directory which then replaces
        ``path``, so a reader never sees a half-written file. Returns the path.
        """
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                np.savez(
                    fh,
                    format_version=np.int64(FORMAT_VERSION),
                    node_lon=self.node_lon,
                    node_lat=self.node_lat,
                    node_id=self.node_id,
                    component=self.component,
                    edge_u=self.edge_u,
                    edge_v=self.edge_v,
                    edge_len_m=self.edge_len_m,
                    source=np.str_(self.source),
                    **self._derived_arrays(),
                )
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, path)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return path

    @classmethod
    def load(cls, path: str | os.PathLike) -> WalkGraph:
        """Read a graph written by :meth:`save`."""
        path = Path(path)
        if not path.is_file():
            raise NetworkImportError(f"找不到路网文件：{path}（file not found）")
        try:
            with np.load(path, allow_pickle=False) as data:
                version = int(data["format_version"])
                if version not in READABLE_VERSIONS:
                    raise NetworkImportError(
                        f"路网文件版本 {version} 不受支持，请重新导入：{path}（unsupported format version）"
                    )
                graph = cls(
                    node_lon=data["node_lon"],
                    node_lat=data["node_lat"],
                    edge_u=data["edge_u"],
                    edge_v=data["edge_v"],
                    edge_len_m=data["edge_len_m"],
                    node_id=data["node_id"],
                    component=data["component"],
                    source=str(data["source"]),
                )
                if version >= 2:
                    graph._derived_restore(data)
                return graph
        except NetworkImportError:
            raise
        except (OSError, ValueError, KeyError, EOFError) as exc:
            raise NetworkImportError(
                f"路网文件已损坏或格式不对：{path}（invalid network file: {exc}）"
            ) from exc

    def _derived_arrays(self) -> dict:
        """The sparse matrix and the default snapping tree, as plain arrays for the file.

        The tree is saved as the state its pickling gives (its node buffer and
        arrays; its points are the eligible nodes' positions, which loading computes),
        so that loading it runs no code from the file; it is used again only under
        the same SciPy version, and built anew otherwise.
        """
        csr = self.csr()
        out = {"csr_indptr": csr.indptr, "csr_indices": csr.indices, "csr_data": csr.data}
        tree, eligible = self.snap_index()
        buf, data, n, m, leafsize, maxes, mins, indices, boxsize, boxsize_data = tree.__getstate__()
        if boxsize is None and boxsize_data is None:
            out.update(
                kd_scipy=np.str_(scipy.__version__),
                kd_min_component=np.int64(DEFAULT_MIN_COMPONENT_NODES),
                kd_eligible=eligible,
                kd_buffer=np.asarray(buf).view(np.uint8),
                kd_sizes=np.array([n, m, leafsize], dtype=np.int64),
                kd_maxes=maxes,
                kd_mins=mins,
                kd_indices=indices,
            )
        return out

    def _derived_restore(self, data) -> None:
        """Take the saved sparse matrix and snapping tree into the cache, after checking them."""
        n = self.n_nodes
        indptr, indices, lengths = data["csr_indptr"], data["csr_indices"], data["csr_data"]
        nnz = indices.shape[0]
        if not (
            indptr.shape == (n + 1,)
            and lengths.shape == (nnz,)
            and indptr[0] == 0
            and indptr[-1] == nnz
            and np.all(np.diff(indptr) >= 0)
            and (nnz == 0 or (indices.min() >= 0 and indices.max() < n))
            and np.all(np.isfinite(lengths))
            and (nnz == 0 or lengths.min() >= 0)
        ):
            raise ValueError("sparse matrix does not match the nodes")
        self._cache["csr"] = sp.csr_array((lengths, indices, indptr), shape=(n, n))
        if "kd_scipy" in data and str(data["kd_scipy"]) == scipy.__version__:
            tree = _tree_restore(self, data)
            if tree is not None:
                self._cache[("snap_index", int(data["kd_min_component"]))] = tree


def _tree_restore(graph: WalkGraph, data) -> tuple[cKDTree, np.ndarray] | None:
    """The saved snapping tree, or None when it does not fit the graph (it is then built)."""
    eligible = data["kd_eligible"].astype(np.int32)
    order = data["kd_indices"]
    n, m, leafsize = (int(v) for v in data["kd_sizes"])
    k = eligible.shape[0]
    if not (
        (n, m) == (k, 2)
        and order.shape == (k,)
        and (k == 0 or (eligible.min() >= 0 and eligible.max() < graph.n_nodes))
        and (k == 0 or (order.min() >= 0 and order.max() < k and np.bincount(order, minlength=k).max() == 1))
    ):
        return None
    points = graph.node_xy()[eligible]
    state = (data["kd_buffer"].view("S1"), points, n, m, leafsize, data["kd_maxes"], data["kd_mins"], order)
    tree = cKDTree.__new__(cKDTree)
    try:
        tree.__setstate__((*state, None, None))
    except (TypeError, ValueError):
        return None
    return tree, eligible


def _symmetric_csr(n: int, u: np.ndarray, v: np.ndarray, w: np.ndarray) -> sp.csr_array:
    a = np.minimum(u, v)
    b = np.maximum(u, v)
    keep = a != b
    a, b, w = a[keep], b[keep], w[keep]
    order = np.lexsort((w, b, a))
    a, b, w = a[order], b[order], w[order]
    # After sorting by (a, b, length) the first of each pair is the shortest.
    first = np.ones(a.shape[0], dtype=bool)
    first[1:] = (a[1:] != a[:-1]) | (b[1:] != b[:-1])
    a, b, w = a[first], b[first], w[first]
    rows = np.concatenate([a, b])
    cols = np.concatenate([b, a])
    data = np.concatenate([w, w])
    order = np.lexsort((cols, rows))
    rows, cols, data = rows[order], cols[order], data[order]
    indptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(rows, minlength=n), out=indptr[1:])
    index_dtype = np.int32 if rows.shape[0] < np.iinfo(np.int32).max else np.int64
    return sp.csr_array(
        (data.astype(np.float64), cols.astype(index_dtype), indptr.astype(index_dtype)),
        shape=(n, n),
    )


def _component_labels(matrix: sp.csr_array) -> np.ndarray:
    """Component label per node, relabelled so that 0 is the largest component."""
    n = matrix.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int32)
    _, labels = connected_components(matrix, directed=False)
    sizes = np.bincount(labels)
    # Stable sort keeps the original (first-seen) order among equal sizes.
    rank = np.empty_like(sizes)
    rank[np.argsort(-sizes, kind="stable")] = np.arange(sizes.shape[0])
    return rank[labels].astype(np.int32)


def _check_pbf_file(path: Path) -> None:
    """Reject obviously wrong input before the reader sees it, with a clear message."""
    if not path.exists():
        raise NetworkImportError(f"找不到 OpenStreetMap PBF 文件：{path}（file not found）")
    if path.is_dir():
        raise NetworkImportError(f"路径是一个目录，不是 OpenStreetMap PBF 文件：{path}（is a directory）")
    try:
        with path.open("rb") as fh:
            head = fh.read(4 + _MAX_BLOB_HEADER)
    except OSError as exc:
        raise NetworkImportError(f"无法读取文件：{path}（{exc.strerror or exc}）") from exc
    if not head:
        raise NetworkImportError(f"文件为空，不是有效的 OpenStreetMap PBF 文件：{path}（empty file）")
    size = int.from_bytes(head[:4], "big") if len(head) >= 4 else 0
    if not (0 < size <= _MAX_BLOB_HEADER) or len(head) < 4 + size or b"OSMHeader" not in head[4 : 4 + size]:
        raise NetworkImportError(
            f"文件不是有效的 OpenStreetMap PBF 文件：{path}（not a valid OpenStreetMap PBF file）"
        )


def import_pbf(path: str | os.PathLike, progress: bool = True) -> WalkGraph:
    """Build the walking network from an OpenStreetMap ``.osm.pbf`` file.

    Keeps the ways the reader's ``walking`` profile allows on foot (footways, paths,
    steps, residential streets and so on, minus motorways and ways closed to
    pedestrians). Every way segment becomes an edge; its length is the great-circle
    length of the segment in metres. Works offline. ``progress`` shows a progress
    bar on stderr.

    Raises:
        NetworkImportError: the file is missing, empty, not a PBF, unreadable, or
            has no walkable ways. The message is in Chinese.
    """
    from tqdm import tqdm

    path = Path(path)
    _check_pbf_file(path)

    with tqdm(total=100, desc="导入路网", unit="%", disable=not progress, leave=False) as bar:

        def reader_progress(done, total):
            # The reader reports 0..total; it gets the first 70 % of the bar.
            target = int(70 * done / total) if total else 0
            if target > bar.n:
                bar.update(target - bar.n)

        bar.set_postfix_str("读取 PBF")
        nodes, edges = _read_walking_network(path, reader_progress if progress else False)
        if edges is None or nodes is None or len(edges) == 0:
            raise NetworkImportError(f"文件中没有可步行的道路：{path}（no walkable ways found）")
        bar.update(max(0, 70 - bar.n))

        bar.set_postfix_str("整理节点")
        osm_ids = nodes["id"].to_numpy(dtype=np.int64)
        lon = nodes["lon"].to_numpy(dtype=np.float64)
        lat = nodes["lat"].to_numpy(dtype=np.float64)
        order = np.argsort(osm_ids, kind="stable")
        osm_ids, lon, lat = osm_ids[order], lon[order], lat[order]
        unique = np.ones(osm_ids.shape[0], dtype=bool)
        unique[1:] = osm_ids[1:] != osm_ids[:-1]
        osm_ids, lon, lat = osm_ids[unique], lon[unique], lat[unique]
        bar.update(10)

        bar.set_postfix_str("构建边")
        u_ids = edges["u"].to_numpy(dtype=np.int64)
        v_ids = edges["v"].to_numpy(dtype=np.int64)
        u = np.searchsorted(osm_ids, u_ids)
        v = np.searchsorted(osm_ids, v_ids)
        u = np.minimum(u, osm_ids.shape[0] - 1)
        v = np.minimum(v, osm_ids.shape[0] - 1)
        # An edge whose end is missing from the node table cannot be placed.
        known = (osm_ids[u] == u_ids) & (osm_ids[v] == v_ids) & (u != v)
        u, v = u[known], v[known]
        straight = haversine_m(lon[u], lat[u], lon[v], lat[v])
        if "length" in edges.columns:
            length = edges["length"].to_numpy(dtype=np.float64)[known]
            # The reader rounds lengths to millimetres; fall back to the straight line
            # where a length is missing.
            length = np.where(np.isfinite(length) & (length >= 0), length, straight)
        else:
            length = straight
        # Drop nodes no edge uses: they cannot be reached and would only attract snaps.
        used = np.zeros(osm_ids.shape[0], dtype=bool)
        used[u] = True
        used[v] = True
        remap = np.cumsum(used) - 1
        u, v = remap[u], remap[v]
        osm_ids, lon, lat = osm_ids[used], lon[used], lat[used]
        if u.shape[0] == 0:
            raise NetworkImportError(f"文件中没有可步行的道路：{path}（no walkable ways found）")
        bar.update(10)

        bar.set_postfix_str("连通分量")
        graph = WalkGraph(
            node_lon=lon,
            node_lat=lat,
            edge_u=u,
            edge_v=v,
            edge_len_m=length,
            node_id=osm_ids,
            source=path.name,
        )
        bar.update(bar.total - bar.n)
    return graph


def _read_walking_network(path: Path, progress):
    """(nodes, edges) frames of the walking network; reader errors become NetworkImportError."""
    import pyrosm
    from pyrosm.exceptions import PBFException

    try:
        osm = pyrosm.OSM(str(path), progress=progress)
        result = osm.get_network(network_type="walking", nodes=True, tags_to_keep=["highway"])
    except PBFException as exc:
        raise NetworkImportError(
            f"文件不是有效的 OpenStreetMap PBF 文件：{path}（not a valid OpenStreetMap PBF file: {exc}）"
        ) from exc
    except MemoryError as exc:
        raise NetworkImportError(f"内存不足，无法导入路网：{path}（out of memory）") from exc
    except Exception as exc:
        # Truncated or corrupt files fail deep inside the decoder with assorted types.
        raise NetworkImportError(
            f"无法读取 OpenStreetMap PBF 文件，文件可能已损坏或被截断：{path}"
            f"（could not read PBF file: {type(exc).__name__}: {exc}）"
        ) from exc
    if result is None:
        return None, None
    return result

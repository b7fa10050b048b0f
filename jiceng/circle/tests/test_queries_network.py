import os

from jiceng.circle.queries.network import graph_load


def test_it_caches_the_graph_until_the_file_changes(line_network):
    first = graph_load(line_network)
    assert graph_load(line_network) is first
    path = line_network.file_path()
    first.save(path)
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert graph_load(line_network) is not first

"""The district's walking network, loaded once per process and again only when its file changes."""

from __future__ import annotations

import threading
from collections import OrderedDict

from django.utils.translation import gettext as _

from jiceng.circle.models import WalkNetwork
from jiceng.circle.network import NetworkImportError, WalkGraph
from jiceng.regions.models import Region

_graph_lock = threading.Lock()
_graphs: OrderedDict[str, tuple[int, WalkGraph]] = OrderedDict()
_GRAPHS_KEPT = 4


def network_get(district: Region) -> WalkNetwork | None:
    return WalkNetwork.objects.filter(district=district).first()


def graph_load(network: WalkNetwork) -> WalkGraph:
    """The network's graph, loaded once per process and again only when its file changes.

    Raises:
        NetworkImportError: the file is missing or unreadable (message in Chinese).
    """
    path = network.file_path()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError:
        raise NetworkImportError(
            _("找不到路网文件 %(p)s，请重新导入本区路网（jiceng circle import-network）") % {"p": path}
        ) from None
    key = str(path)
    with _graph_lock:
        hit = _graphs.get(key)
        if hit is not None and hit[0] == mtime:
            _graphs.move_to_end(key)
            return hit[1]
    graph = WalkGraph.load(path)
    with _graph_lock:
        _graphs[key] = (mtime, graph)
        _graphs.move_to_end(key)
        while len(_graphs) > _GRAPHS_KEPT:
            _graphs.popitem(last=False)
    return graph

"""Importing and storing the district's walking network."""

from __future__ import annotations

import uuid
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.circle.errors import CircleError
from jiceng.circle.models import WalkNetwork, network_dir
from jiceng.circle.network import NetworkImportError, WalkGraph, import_pbf
from jiceng.core.audit import audit, snapshot
from jiceng.regions.models import Level, Region


def network_import(
    *, district: Region, path: str | Path, name: str = "", actor=None, progress: bool = True
) -> WalkNetwork:
    """Import the district's walking network from an OpenStreetMap ``.osm.pbf`` file.

    Works offline. Replaces the district's previous network only once the new one
    is completely saved, so a failure leaves the old network in place.

    Raises:
        CircleError: the file is missing, not a PBF, or has no walkable ways.
    """
    try:
        graph = import_pbf(path, progress=progress)
    except NetworkImportError as exc:
        raise CircleError(str(exc)) from exc
    return network_store(
        district=district, graph=graph, name=name or Path(path).name, is_synthetic=False, actor=actor
    )


def network_store(
    *, district: Region, graph: WalkGraph, name: str, is_synthetic: bool, actor=None
) -> WalkNetwork:
    """Save ``graph`` as the district's walking network, replacing any previous one.

    The file is written atomically under a new name first; the database record
    switches over in one transaction, and the old file is removed only after that
    transaction commits.
    """
    if district.level != Level.DISTRICT:
        raise CircleError(_("步行路网只能属于区（县）级区划，%(r)s 不是区") % {"r": district.name})
    if graph.n_nodes == 0 or graph.n_edges == 0:
        raise CircleError(_("路网没有可步行的道路，未保存"))
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    dest = network_dir() / f"{district.prefix}-{stamp}-{uuid.uuid4().hex[:8]}.npz"
    graph.save(dest)
    x0, y0, x1, y1 = graph.extent
    try:
        with transaction.atomic():
            old = list(WalkNetwork.objects.select_for_update().filter(district=district))
            old_files = [n.file_path() for n in old]
            before = snapshot(old[0]) if old else None
            WalkNetwork.objects.filter(district=district).delete()
            network = WalkNetwork.objects.create(
                district=district,
                name=name[:200],
                path=_relative(dest),
                nodes=graph.n_nodes,
                edges=graph.n_edges,
                min_lon=x0,
                min_lat=y0,
                max_lon=x1,
                max_lat=y1,
                is_synthetic=is_synthetic,
                imported_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            audit(actor, "circle.network_import", network, before=before, after=snapshot(network))
    except BaseException:
        dest.unlink(missing_ok=True)
        raise

    def remove_old():
        for f in old_files:
            if f != dest:
                f.unlink(missing_ok=True)

    transaction.on_commit(remove_old)
    return network


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path(settings.VAR_DIR)))
    except ValueError:
        return str(path)

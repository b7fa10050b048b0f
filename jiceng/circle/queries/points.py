"""The district's residential points as arrays, and the file that keeps them with their snapping.

Reading 50,000 points row by row and attaching each to the network are most of what a
fresh process pays for a coverage figure, so the arrays and the points' snapping to
the current network are kept in one file per district beside the network files
(``points-<district>.npz``). The file carries the key it was written under: the
points' count, highest id and latest change, the number of regions in the district
(a grid deleted empties its points' grid without touching them) and the network
file's identity, the same things that key the coverage cache in memory. A file
whose key differs is ignored and written again; one that cannot be read or written
is only a slower first figure, never an error.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from django.db.models import Count
from django.utils.translation import gettext as _

from jiceng.circle.coverage import DEFAULT_MAX_SNAP_M, DEFAULT_MIN_COMPONENT_NODES, SnapResult, snap_points
from jiceng.circle.models import PointSource, ResidentialPoint, network_dir, point_population
from jiceng.circle.network import WalkGraph
from jiceng.people.models import Person
from jiceng.regions.models import Level, Region

FILE_VERSION = 1


@dataclass
class PointSet:
    """The district's residential points (or the stand-ins for them)."""

    ids: list[int | None]
    lonlat: np.ndarray
    population: np.ndarray
    community_codes: list[str]  # "" when the point has no community
    grid_codes: list[str]  # "" when the point is in no grid
    buildings: list[str]
    households: list[int | None]
    residents: list[int | None]
    stand_in: bool
    synthetic: np.ndarray  # per point
    _groupings: dict = field(default_factory=dict, init=False, repr=False)

    def __len__(self) -> int:
        return len(self.ids)

    def grouping(self, which: str) -> tuple[list[str], np.ndarray]:
        """The points' ``"community"`` or ``"grid"`` codes as (distinct codes in order of
        first appearance, each point's index among them); cached."""
        if which not in self._groupings:
            labels, inverse = _labelled(getattr(self, f"{which}_codes"))
            self._groupings[which] = (labels.tolist(), inverse)
        return self._groupings[which]


def points_read(district: Region, graph: WalkGraph | None, key) -> tuple[PointSet, SnapResult | None]:
    """The district's points and, with a graph, their snapping (default rules) to it.

    ``key`` identifies the data (see the module docstring); the file is used when it
    was written under the same key.
    """
    path = _file_path(district)
    text = json.dumps([FILE_VERSION, DEFAULT_MAX_SNAP_M, DEFAULT_MIN_COMPONENT_NODES, key], default=str)
    if graph is not None:
        found = _file_read(path, text)
        if found is not None:
            return found
    points = _points(district)
    snaps = None
    if graph is not None:
        snaps = snap_points(graph, points.lonlat)
        if not points.stand_in:
            _file_write(path, text, points, snaps)
    return points, snaps


def _points(district: Region) -> PointSet:
    rows = list(
        ResidentialPoint.objects.filter(district=district)
        .order_by("id")
        .values_list(
            "id",
            "lon",
            "lat",
            "households",
            "residents",
            "building",
            "source",
            "community__code",
            "grid__code",
        )
    )
    if not rows:
        return _stand_in_points(district)
    ids, lon, lat, households, residents, buildings, sources, communities, grids = (
        list(c) for c in zip(*rows, strict=True)
    )
    return PointSet(
        ids=ids,
        lonlat=np.column_stack([np.array(lon, dtype=np.float64), np.array(lat, dtype=np.float64)]),
        population=np.array(list(map(point_population, households, residents)), dtype=np.float64),
        community_codes=[c or "" for c in communities],
        grid_codes=[g or "" for g in grids],
        buildings=buildings,
        households=households,
        residents=residents,
        stand_in=False,
        synthetic=np.array([src == PointSource.SYNTHETIC for src in sources], dtype=bool),
    )


def _stand_in_points(district: Region) -> PointSet:
    """Each community's registered residents, placed at the community's centre.

    Used while a district has imported no residential points, so the figures are
    rough but never empty.
    """
    counts = dict(
        Person.objects.filter(district=district, is_active=True)
        .values("community")
        .annotate(n=Count("id"))
        .values_list("community", "n")
    )
    communities = list(
        Region.objects.filter(
            district.subtree_q(),
            level=Level.COMMUNITY,
            id__in=list(counts),
            lon__isnull=False,
            lat__isnull=False,
        ).order_by("code")
    )
    return PointSet(
        ids=[None] * len(communities),
        lonlat=np.array([[c.lon, c.lat] for c in communities], dtype=np.float64).reshape(-1, 2),
        population=np.array([counts[c.id] for c in communities], dtype=np.float64),
        community_codes=[c.code for c in communities],
        grid_codes=[""] * len(communities),
        buildings=[_("%(c)s 登记居民（社区中心点）") % {"c": c.name} for c in communities],
        households=[None] * len(communities),
        residents=[counts[c.id] for c in communities],
        stand_in=True,
        synthetic=np.zeros(len(communities), dtype=bool),
    )


# --------------------------------------------------------------------------- the file


def _file_path(district: Region) -> Path:
    return network_dir() / f"points-{district.prefix}.npz"


def _labelled(values: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(distinct values, index of each value among them): a few codes repeated many times."""
    labels: dict[str, int] = {}
    inverse = np.fromiter(
        (labels.setdefault(v, len(labels)) for v in values), dtype=np.int32, count=len(values)
    )
    return np.array(list(labels), dtype=np.str_), inverse


def _unlabelled(labels: list[str], inverse: np.ndarray) -> list[str]:
    return [labels[i] for i in inverse.tolist()]


def _optional_ints(values: list[int | None]) -> np.ndarray:
    return np.array([-1 if v is None else v for v in values], dtype=np.int64)


def _file_write(path: Path, key: str, points: PointSet, snaps: SnapResult) -> None:
    community_labels, community_inverse = points.grouping("community")
    grid_labels, grid_inverse = points.grouping("grid")
    lengths = np.fromiter(map(len, points.buildings), dtype=np.int64, count=len(points))
    arrays = {
        "key": np.str_(key),
        "ids": np.array(points.ids, dtype=np.int64),
        "lonlat": points.lonlat,
        "population": points.population,
        "community_labels": np.array(community_labels, dtype=np.str_),
        "community_inverse": community_inverse,
        "grid_labels": np.array(grid_labels, dtype=np.str_),
        "grid_inverse": grid_inverse,
        "building_text": np.str_("".join(points.buildings)),
        "building_ends": np.cumsum(lengths),
        "households": _optional_ints(points.households),
        "residents": _optional_ints(points.residents),
        "synthetic": points.synthetic,
        "snap_node": snaps.node,
        "snap_m": snaps.snap_m,
        "snap_status": snaps.status,
        "snap_max_m": np.float64(snaps.max_snap_m),
    }
    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            np.savez(fh, **arrays)
        os.replace(tmp, path)
    except OSError:
        if tmp is not None:
            Path(tmp).unlink(missing_ok=True)


def _file_read(path: Path, key: str) -> tuple[PointSet, SnapResult] | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["key"]) != key:
                return None
            ids = data["ids"].tolist()
            n = len(ids)
            ends = data["building_ends"].tolist()
            text = str(data["building_text"])
            households = [None if v < 0 else v for v in data["households"].tolist()]
            residents = [None if v < 0 else v for v in data["residents"].tolist()]
            groupings = {
                which: (data[f"{which}_labels"].tolist(), data[f"{which}_inverse"])
                for which in ("community", "grid")
            }
            points = PointSet(
                ids=ids,
                lonlat=data["lonlat"],
                population=data["population"],
                community_codes=_unlabelled(*groupings["community"]),
                grid_codes=_unlabelled(*groupings["grid"]),
                buildings=[text[a:b] for a, b in zip([0, *ends[:-1]], ends, strict=True)],
                households=households,
                residents=residents,
                stand_in=False,
                synthetic=data["synthetic"],
            )
            points._groupings.update(groupings)
            snaps = SnapResult(
                data["snap_node"], data["snap_m"], data["snap_status"], float(data["snap_max_m"])
            )
    except (OSError, ValueError, KeyError, IndexError, EOFError):
        return None
    if not all(len(x) == n for x in (points.lonlat, points.population, points.community_codes, snaps.node)):
        return None
    return points, snaps

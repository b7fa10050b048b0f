"""Coverage of a whole district under one set of filters, cached while its data is unchanged.

Coverage is always computed for the whole district, because residents walk across
subdistrict boundaries: a place just over the line serves them too.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from jiceng.circle.coverage import (
    CoverageResult,
    SnapResult,
    snap_points,
)
from jiceng.circle.coverage.figures import coverage_by_labels
from jiceng.circle.coverage.search import coverage_of_snaps
from jiceng.circle.models import (
    ResidentialPoint,
    ServicePlace,
    WalkNetwork,
    hours_display,
)
from jiceng.circle.network import NetworkImportError, WalkGraph
from jiceng.circle.queries.network import graph_load, network_get
from jiceng.circle.queries.params import CircleParams
from jiceng.circle.queries.points import PointSet, points_read
from jiceng.people.models import Person
from jiceng.regions.models import Level, Region

# Distances are searched up to this multiple of the limit, so a resident just outside
# the circle still learns how far the nearest place is.
HORIZON_FACTOR = 2.0


@dataclass
class PlaceSet:
    """Every service place of the district, as parallel lists."""

    ids: list[int]
    names: list[str]
    kinds: list[str]
    lonlat: np.ndarray
    community_codes: list[str]
    hours: list[str]
    services: list[str]
    addresses: list[str]
    counted: np.ndarray  # passes the filters

    def __len__(self) -> int:
        return len(self.ids)


def _places(district: Region, params: CircleParams) -> PlaceSet:
    rows = list(
        ServicePlace.objects.filter(district=district)
        .order_by("community__code", "id")
        .values_list(
            "id",
            "name",
            "kind",
            "lon",
            "lat",
            "community__code",
            "always_open",
            "opens_at",
            "closes_at",
            "services",
            "address",
        )
    )
    return PlaceSet(
        ids=[r[0] for r in rows],
        names=[r[1] for r in rows],
        kinds=[r[2] for r in rows],
        lonlat=np.array([[r[3], r[4]] for r in rows], dtype=np.float64).reshape(-1, 2),
        community_codes=[r[5] for r in rows],
        hours=[hours_display(r[6], r[7], r[8]) for r in rows],
        services=[r[9] for r in rows],
        addresses=[r[10] for r in rows],
        counted=np.array([params.counts(r[2], r[6], r[7], r[8]) for r in rows], dtype=bool),
    )


# --------------------------------------------------------------------------- coverage


@dataclass
class Figures:
    """Coverage totals of one region (or of the points without a community)."""

    code: str
    name: str
    level: str
    points: int = 0
    covered_points: int = 0
    population: float = 0.0
    covered_population: float | None = 0.0
    places: int = 0

    @property
    def percentage(self) -> float | None:
        if self.covered_population is None or self.population <= 0:
            return None
        return 100.0 * self.covered_population / self.population

    @property
    def uncovered_population(self) -> float | None:
        return None if self.covered_population is None else self.population - self.covered_population

    def add(self, other: Figures) -> None:
        self.points += other.points
        self.covered_points += other.covered_points
        self.population += other.population
        self.places += other.places
        if self.covered_population is None or other.covered_population is None:
            self.covered_population = None
        else:
            self.covered_population += other.covered_population


@dataclass
class DistrictCoverage:
    """Coverage of a whole district under one set of filters.

    ``result`` is None when the district has no usable walking network; ``error``
    then says why. ``result`` and ``covered`` come from one search that goes only
    as far as the limit. Per point, ``distance_m`` and ``nearest`` (an index into
    ``places``, -1 for none) reach out to ``HORIZON_FACTOR`` × the limit, so that an
    uncovered resident learns how far the nearest place is; that second search
    runs only when they are first read (the map, the list of uncovered points), and
    a covered point keeps the distance and place of the first search.
    """

    district: Region
    params: CircleParams
    network: WalkNetwork | None
    graph: WalkGraph | None
    places: PlaceSet
    points: PointSet
    result: CoverageResult | None
    error: str
    by_community: dict[str, Figures]
    by_grid: dict[str, Figures]  # grid code → figures of the points in that grid
    distance_within: np.ndarray  # per point, the walk to the nearest counted place; inf when not covered
    nearest_within: np.ndarray  # index into places, -1 when not covered
    covered: np.ndarray
    regions: dict[str, Region] = field(default_factory=dict)
    cache_key: tuple = ()
    _horizon: tuple | None = field(default=None, init=False, repr=False)
    _horizon_lock: threading.Lock = field(default_factory=threading.Lock, init=False, repr=False)
    _memo: dict = field(default_factory=dict, init=False, repr=False)

    def memo(self, key, build):
        """``build()``, computed once for this coverage (which never changes once made)."""
        if key not in self._memo:
            self._memo[key] = build()
        return self._memo[key]

    @property
    def distance_m(self) -> np.ndarray:
        return self._horizon_arrays()[0]

    @property
    def nearest(self) -> np.ndarray:
        return self._horizon_arrays()[1]

    def _horizon_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        with self._horizon_lock:
            if self._horizon is None:
                self._horizon = self._horizon_search()
            return self._horizon

    def _horizon_search(self) -> tuple[np.ndarray, np.ndarray]:
        """Distances and nearest places out to ``HORIZON_FACTOR`` × the limit (see the class)."""
        if self.result is None or self.covered.all():
            return self.distance_within, self.nearest_within
        res = self.result
        far = coverage_of_snaps(
            self.graph,
            res.places,
            res.points,
            res.population,
            self.params.limit_m * HORIZON_FACTOR,
            res.include_snap_distance,
        )
        counted = np.flatnonzero(self.places.counted)
        far_nearest = _place_index(far.nearest_place, counted)
        return (
            np.where(self.covered, self.distance_within, far.distance_m),
            np.where(self.covered, self.nearest_within, far_nearest),
        )

    @property
    def synthetic(self) -> bool:
        """Some of the data is synthetic demo data."""
        return bool((self.network and self.network.is_synthetic) or self.points.synthetic.any())

    def point_reason(self, i: int) -> str:
        if self.result is None:
            return self.error
        if not self.result.points.ok[i]:
            return self.result.points.reason(i)
        if not np.isfinite(self.distance_m[i]):
            return _("%(d)s 米步行范围内没有计入的服务阵地") % {
                "d": f"{self.params.limit_m * HORIZON_FACTOR:.0f}"
            }
        if not self.covered[i]:
            return _("最近的阵地步行约 %(d)s 米，超过 %(l)s 米") % {
                "d": f"{self.distance_m[i]:.0f}",
                "l": f"{self.params.limit_m:.0f}",
            }
        return ""


_cov_lock = threading.Lock()
_coverages: OrderedDict[tuple, DistrictCoverage] = OrderedDict()
_COVERAGES_KEPT = 8


def _stamp(district: Region, network: WalkNetwork | None) -> tuple:
    places = ServicePlace.objects.filter(district=district).aggregate(
        n=Count("id"), m=Max("id"), t=Max("updated_at")
    )
    points = ResidentialPoint.objects.filter(district=district).aggregate(
        n=Count("id"), m=Max("id"), t=Max("updated_at")
    )
    people = None
    if not points["n"]:
        people = Person.objects.filter(district=district, is_active=True).aggregate(
            n=Count("id"), m=Max("id")
        )
        people = (people["n"], people["m"])
    net = None
    if network is not None:
        path = network.file_path()
        try:
            net = (network.pk, str(path), path.stat().st_mtime_ns)
        except OSError:
            net = (network.pk, str(path), None)
    return (
        tuple(places.values()),
        tuple(points.values()),
        people,
        net,
        Region.objects.filter(district.subtree_q()).aggregate(n=Count("id"))["n"],
    )


def coverage_get(district: Region, params: CircleParams) -> DistrictCoverage:
    """Coverage of the whole district (cached per process while the data is unchanged)."""
    network = network_get(district)
    key = (district.pk, params, _stamp(district, network))
    with _cov_lock:
        hit = _coverages.get(key)
        if hit is not None:
            _coverages.move_to_end(key)
            return hit
    cov = _compute(district, network, params, key[2])
    cov.cache_key = key
    with _cov_lock:
        _coverages[key] = cov
        _coverages.move_to_end(key)
        while len(_coverages) > _COVERAGES_KEPT:
            _coverages.popitem(last=False)
    return cov


def _compute(
    district: Region, network: WalkNetwork | None, params: CircleParams, stamp: tuple
) -> DistrictCoverage:
    places = _places(district, params)
    graph, result, error = None, None, ""
    if network is None:
        error = _(
            "本区还没有导入步行路网，无法计算步行距离。请运行：jiceng circle import-network 本区.osm.pbf"
        )
    else:
        try:
            graph = graph_load(network)
        except NetworkImportError as exc:
            error = str(exc)
    _places_stamp, points_stamp, _people, net, regions_count = stamp
    points, point_snaps = points_read(district, graph, (points_stamp, regions_count, net))
    n = len(points)
    distance = np.full(n, np.inf)
    nearest = np.full(n, -1, dtype=np.int64)
    covered = np.zeros(n, dtype=bool)
    if graph is not None:
        counted = np.flatnonzero(places.counted)
        result = coverage_of_snaps(
            graph,
            snap_points(graph, places.lonlat[counted]),
            point_snaps,
            points.population,
            params.limit_m,
            True,
        )
        distance = result.distance_m
        nearest = _place_index(result.nearest_place, counted)
        covered = result.covered

    by_community: dict[str, Figures] = {}
    by_grid: dict[str, Figures] = {}
    regions = {
        r.code: r
        for r in Region.objects.filter(district.subtree_q(), level__in=[Level.SUBDISTRICT, Level.COMMUNITY])
    }
    if n:
        for code, g in _groups(points, "community", covered, result).items():
            region = regions.get(code)
            by_community[code] = _figures(
                g, code, region.name if region else _("未归属社区的居民点"), Level.COMMUNITY, result
            )
        for code, g in _groups(points, "grid", covered, result).items():
            if code:
                by_grid[code] = _figures(g, code, "", Level.GRID, result)
    for code in places.community_codes:
        if code not in by_community:
            region = regions.get(code)
            by_community[code] = Figures(
                code=code,
                name=region.name if region else code,
                level=Level.COMMUNITY,
                covered_population=0.0 if result is not None else None,
            )
        by_community[code].places += 1
    return DistrictCoverage(
        district=district,
        params=params,
        network=network,
        graph=graph,
        places=places,
        points=points,
        result=result,
        error=error,
        by_community=by_community,
        by_grid=by_grid,
        distance_within=distance,
        nearest_within=nearest,
        covered=covered,
        regions=regions,
    )


def _place_index(nearest_counted: np.ndarray, counted: np.ndarray) -> np.ndarray:
    """Indices into the counted places, turned into indices into all places (-1 stays -1)."""
    if not counted.size:
        return np.full(nearest_counted.shape[0], -1, dtype=np.int64)
    return np.where(nearest_counted >= 0, counted[np.maximum(nearest_counted, 0)], -1)


def _figures(g, code: str, name: str, level: str, result: CoverageResult | None) -> Figures:
    return Figures(
        code=code,
        name=name,
        level=level,
        points=g.points,
        covered_points=g.covered_points if result is not None else 0,
        population=g.population,
        covered_population=g.covered_population if result is not None else None,
    )


def _groups(points: PointSet, which: str, covered: np.ndarray, result: CoverageResult | None):
    labels, inverse = points.grouping(which)
    if result is not None:
        return coverage_by_labels(result, labels, inverse)
    # No network: totals without coverage, through the same grouping.
    n = len(points)
    stub = CoverageResult(
        limit_m=0.0,
        include_snap_distance=True,
        places=SnapResult(np.zeros(0, np.int32), np.zeros(0), np.zeros(0, np.int8), 0.0),
        points=SnapResult(np.full(n, -1, np.int32), np.zeros(n), np.ones(n, np.int8), 0.0),
        population=points.population,
        distance_m=np.full(n, np.inf),
        nearest_place=np.full(n, -1, np.int32),
        covered=covered,
        node_distance_m=np.zeros(0),
        node_place=np.zeros(0, np.int32),
    )
    return coverage_by_labels(stub, labels, inverse)

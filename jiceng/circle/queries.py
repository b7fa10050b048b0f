"""Reads of the 15-minute service circle: coverage figures, map layers and recommendations.

Coverage is always computed for the whole district, because residents walk across
subdistrict boundaries: a place just over the line serves them too. A user's figures
are then the district's figures restricted to the regions in their scope.

Two caches keep the pages quick, both per process: the loaded walking network (keyed
by its file path and modification time) and the last few district computations
(keyed by the filters and a stamp of the data they read).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import threading
from collections import OrderedDict
from dataclasses import dataclass, field

import numpy as np
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from jiceng.circle.coverage import (
    DEFAULT_LIMIT_M,
    DEFAULT_WALK_SPEED_M_PER_MIN,
    DISTANCE_TOLERANCE_M,
    CoverageResult,
    compute_coverage,
    coverage_by_group,
    recommend_sites,
)
from jiceng.circle.models import (
    PlaceKind,
    PointSource,
    ResidentialPoint,
    ServicePlace,
    WalkNetwork,
    hours_display,
    hours_open_at,
    point_population,
)
from jiceng.circle.network import LocalProjection, NetworkImportError, WalkGraph
from jiceng.people.models import Person
from jiceng.regions.models import Level, Region, prefix_range

# Distances are searched up to this multiple of the limit, so a resident just outside
# the circle still learns how far the nearest place is.
HORIZON_FACTOR = 2.0


# --------------------------------------------------------------------------- parameters


@dataclass(frozen=True)
class CircleParams:
    """What counts as covered: the walking limit, which kinds of place, open at what time."""

    limit_m: float = DEFAULT_LIMIT_M
    kinds: tuple[str, ...] = ()  # empty: every kind
    open_at: dt.time | None = None
    minutes: float | None = None  # when the limit came from a walking time
    speed_m_per_min: float | None = None

    def counts(self, kind: str, always_open: bool, opens_at, closes_at) -> bool:
        if self.kinds and kind not in self.kinds:
            return False
        if self.open_at is not None and not hours_open_at(always_open, opens_at, closes_at, self.open_at):
            return False
        return True

    def describe(self) -> str:
        if self.minutes is not None:
            distance = _("步行 %(m)s 分钟（每分钟 %(s)s 米，共 %(d)s 米）") % {
                "m": f"{self.minutes:g}",
                "s": f"{self.speed_m_per_min or DEFAULT_WALK_SPEED_M_PER_MIN:.1f}",
                "d": f"{self.limit_m:.0f}",
            }
        else:
            distance = _("步行 %(d)s 米") % {"d": f"{self.limit_m:.0f}"}
        labels = dict(PlaceKind.choices)
        kinds = "、".join(str(labels[k]) for k in self.kinds) if self.kinds else _("全部类型的阵地")
        when = _("%(t)s 开放的阵地") % {"t": f"{self.open_at:%H:%M}"} if self.open_at else _("不限开放时间")
        return "；".join([distance, kinds, when])

    def as_dict(self) -> dict:
        return {
            "limit_m": self.limit_m,
            "kinds": list(self.kinds),
            "open_at": self.open_at.strftime("%H:%M") if self.open_at else None,
            "minutes": self.minutes,
            "speed_m_per_min": self.speed_m_per_min,
        }


# --------------------------------------------------------------------------- the network


_graph_lock = threading.Lock()
_graphs: OrderedDict[str, tuple[int, WalkGraph]] = OrderedDict()
_GRAPHS_KEPT = 4


def district_network(district: Region) -> WalkNetwork | None:
    return WalkNetwork.objects.filter(district=district).first()


def load_graph(network: WalkNetwork) -> WalkGraph:
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


# --------------------------------------------------------------------------- district data


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


@dataclass
class PointSet:
    """The district's residential points (or the stand-ins for them)."""

    ids: list[int | None]
    lonlat: np.ndarray
    population: np.ndarray
    community_codes: list[str]  # "" when the point has no community
    buildings: list[str]
    households: list[int | None]
    residents: list[int | None]
    stand_in: bool
    synthetic: np.ndarray  # per point

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


def _points(district: Region) -> PointSet:
    rows = list(
        ResidentialPoint.objects.filter(district=district)
        .order_by("id")
        .values_list("id", "lon", "lat", "households", "residents", "building", "source", "community__code")
    )
    if rows:
        return PointSet(
            ids=[r[0] for r in rows],
            lonlat=np.array([[r[1], r[2]] for r in rows], dtype=np.float64),
            population=np.array([point_population(r[3], r[4]) for r in rows], dtype=np.float64),
            community_codes=[r[7] or "" for r in rows],
            buildings=[r[5] for r in rows],
            households=[r[3] for r in rows],
            residents=[r[4] for r in rows],
            stand_in=False,
            synthetic=np.array([r[6] == PointSource.SYNTHETIC for r in rows], dtype=bool),
        )
    return _stand_in_points(district)


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
            prefix_range(district.prefix),
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
        buildings=[_("%(c)s 登记居民（社区中心点）") % {"c": c.name} for c in communities],
        households=[None] * len(communities),
        residents=[counts[c.id] for c in communities],
        stand_in=True,
        synthetic=np.zeros(len(communities), dtype=bool),
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
    then says why. Per point, ``distance_m`` and ``nearest`` (an index into
    ``places``, -1 for none) reach out to ``HORIZON_FACTOR`` × the limit, while
    ``covered`` applies the limit itself.
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
    distance_m: np.ndarray
    nearest: np.ndarray
    covered: np.ndarray
    regions: dict[str, Region] = field(default_factory=dict)
    cache_key: tuple = ()

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
        Region.objects.filter(prefix_range(district.prefix)).aggregate(n=Count("id"))["n"],
    )


def district_coverage(district: Region, params: CircleParams) -> DistrictCoverage:
    """Coverage of the whole district (cached per process while the data is unchanged)."""
    network = district_network(district)
    key = (district.pk, params, _stamp(district, network))
    with _cov_lock:
        hit = _coverages.get(key)
        if hit is not None:
            _coverages.move_to_end(key)
            return hit
    cov = _compute(district, network, params)
    cov.cache_key = key
    with _cov_lock:
        _coverages[key] = cov
        _coverages.move_to_end(key)
        while len(_coverages) > _COVERAGES_KEPT:
            _coverages.popitem(last=False)
    return cov


def _compute(district: Region, network: WalkNetwork | None, params: CircleParams) -> DistrictCoverage:
    places = _places(district, params)
    points = _points(district)
    n = len(points)
    graph, result, error = None, None, ""
    distance = np.full(n, np.inf)
    nearest = np.full(n, -1, dtype=np.int64)
    covered = np.zeros(n, dtype=bool)
    if network is None:
        error = _(
            "本区还没有导入步行路网，无法计算步行距离。请运行：jiceng circle import-network 本区.osm.pbf"
        )
    else:
        try:
            graph = load_graph(network)
        except NetworkImportError as exc:
            error = str(exc)
    if graph is not None:
        counted = np.flatnonzero(places.counted)
        horizon = compute_coverage(
            graph,
            places.lonlat[counted],
            points.lonlat,
            points.population,
            limit_m=params.limit_m * HORIZON_FACTOR,
        )
        distance = horizon.distance_m
        if counted.size:
            nearest = np.where(horizon.nearest_place >= 0, counted[np.maximum(horizon.nearest_place, 0)], -1)
        covered = distance <= params.limit_m + DISTANCE_TOLERANCE_M
        result = dataclasses.replace(horizon, limit_m=float(params.limit_m), covered=covered)

    by_community: dict[str, Figures] = {}
    regions = {
        r.code: r
        for r in Region.objects.filter(
            prefix_range(district.prefix), level__in=[Level.SUBDISTRICT, Level.COMMUNITY]
        )
    }
    if n:
        groups = _groups(points, covered, result)
        for code, g in groups.items():
            region = regions.get(code)
            by_community[code] = Figures(
                code=code,
                name=region.name if region else _("未归属社区的居民点"),
                level=Level.COMMUNITY,
                points=g.points,
                covered_points=g.covered_points if result is not None else 0,
                population=g.population,
                covered_population=g.covered_population if result is not None else None,
            )
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
        distance_m=distance,
        nearest=nearest,
        covered=covered,
        regions=regions,
    )


def _groups(points: PointSet, covered: np.ndarray, result: CoverageResult | None):
    if result is not None:
        return coverage_by_group(result, points.community_codes)
    # No network: totals without coverage, through the same grouping.
    from jiceng.circle.coverage import SnapResult

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
    return coverage_by_group(stub, points.community_codes)


# --------------------------------------------------------------------------- reports


def _in_region(code: str, region: Region) -> bool:
    if region.level == Level.DISTRICT:
        return True  # points without a community belong to the district
    return bool(code) and code.startswith(region.prefix)


def point_mask(cov: DistrictCoverage, region: Region) -> np.ndarray:
    return np.array([_in_region(c, region) for c in cov.points.community_codes], dtype=bool)


def place_mask(cov: DistrictCoverage, region: Region) -> np.ndarray:
    return np.array([_in_region(c, region) for c in cov.places.community_codes], dtype=bool)


def figures_for(cov: DistrictCoverage, region: Region) -> Figures:
    total = Figures(
        code=region.code,
        name=region.name,
        level=region.level,
        covered_population=0.0 if cov.result is not None else None,
    )
    for code, f in cov.by_community.items():
        if _in_region(code, region):
            total.add(f)
    return total


def children_figures(cov: DistrictCoverage, region: Region) -> list[Figures]:
    """Figures of each subdistrict of a district, or each community of a subdistrict."""
    if region.level not in (Level.DISTRICT, Level.SUBDISTRICT):
        return []
    children = Region.objects.filter(parent=region, is_active=True).order_by("code")
    rows = [figures_for(cov, child) for child in children]
    if region.level == Level.DISTRICT and "" in cov.by_community:
        rows.append(dataclasses.replace(cov.by_community[""]))
    return rows


def figures_tree(cov: DistrictCoverage, region: Region) -> list[Figures]:
    """The region's figures, then every subdistrict and community under it, in code order."""
    regions = Region.objects.filter(
        prefix_range(region.prefix),
        level__in=[Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY],
        is_active=True,
    ).order_by("code")
    rows = [figures_for(cov, r) for r in regions]
    if region.level == Level.DISTRICT and "" in cov.by_community:
        rows.append(dataclasses.replace(cov.by_community[""]))
    return rows


@dataclass
class UncoveredPoint:
    index: int
    id: int | None
    building: str
    community: str
    lon: float
    lat: float
    households: int | None
    residents: int | None
    population: float
    distance_m: float | None
    nearest_place: str
    reason: str


def uncovered_points(cov: DistrictCoverage, region: Region, limit: int | None = None) -> list[UncoveredPoint]:
    """Residential points in the region that no counted place covers, most populous first."""
    if cov.result is None:
        return []
    idx = np.flatnonzero(point_mask(cov, region) & ~cov.covered & (cov.points.population > 0))
    idx = idx[np.argsort(-cov.points.population[idx], kind="stable")]
    if limit is not None:
        idx = idx[:limit]
    out = []
    for i in idx.tolist():
        code = cov.points.community_codes[i]
        region_ = cov.regions.get(code)
        d = cov.distance_m[i]
        out.append(
            UncoveredPoint(
                index=i,
                id=cov.points.ids[i],
                building=cov.points.buildings[i],
                community=region_.name if region_ else "",
                lon=float(cov.points.lonlat[i, 0]),
                lat=float(cov.points.lonlat[i, 1]),
                households=cov.points.households[i],
                residents=cov.points.residents[i],
                population=float(cov.points.population[i]),
                distance_m=float(d) if np.isfinite(d) else None,
                nearest_place=cov.places.names[cov.nearest[i]] if cov.nearest[i] >= 0 else "",
                reason=cov.point_reason(i),
            )
        )
    return out


def uncovered_count(cov: DistrictCoverage, region: Region) -> int:
    if cov.result is None:
        return 0
    return int((point_mask(cov, region) & ~cov.covered & (cov.points.population > 0)).sum())


# --------------------------------------------------------------------------- recommendations


@dataclass
class Pick:
    rank: int
    lon: float
    lat: float
    name: str
    near: str
    gain: float
    covered_population: float
    percentage: float | None


@dataclass
class RecommendReport:
    k: int
    picks: list[Pick]
    total_population: float
    base_covered_population: float
    from_candidates: bool
    candidates_outside: int = 0

    @property
    def base_percentage(self) -> float | None:
        if self.total_population <= 0:
            return None
        return 100.0 * self.base_covered_population / self.total_population

    @property
    def percentage(self) -> float | None:
        if self.total_population <= 0:
            return None
        covered = self.picks[-1].covered_population if self.picks else self.base_covered_population
        return 100.0 * covered / self.total_population


_rec_lock = threading.Lock()
_recommendations: OrderedDict[tuple, RecommendReport] = OrderedDict()


def recommend(
    cov: DistrictCoverage,
    region: Region,
    k: int,
    candidates: list[tuple[str, float, float]] | None = None,
    progress: bool = False,
) -> RecommendReport | None:
    """Greedy choice of up to ``k`` new sites covering the most uncovered residents of ``region``.

    Sites are chosen among ``candidates`` ((name, lon, lat) each) when given, else
    among every node of the walking network. Existing places that pass the filters
    count, wherever they are in the district. None when there is no network.
    """
    if cov.graph is None:
        return None
    key = (
        cov.cache_key or id(cov),
        region.code,
        int(k),
        tuple(candidates) if candidates is not None else None,
    )
    with _rec_lock:
        hit = _recommendations.get(key)
        if hit is not None:
            return hit
    mask = point_mask(cov, region)
    total = float(cov.points.population[mask].sum())
    base = float(cov.points.population[mask & cov.covered].sum())
    counted = cov.places.lonlat[cov.places.counted]
    cand = None if candidates is None else np.array([[c[1], c[2]] for c in candidates], dtype=np.float64)
    report = RecommendReport(
        k=k, picks=[], total_population=total, base_covered_population=base, from_candidates=cand is not None
    )
    if total > base and k > 0 and (cand is None or len(cand)):
        rec = recommend_sites(
            cov.graph,
            counted,
            cov.points.lonlat[mask],
            cov.points.population[mask],
            candidates=cand,
            k=k,
            limit_m=cov.params.limit_m,
            progress=progress,
        )
        if rec.candidates is not None:
            report.candidates_outside = int(rec.candidates.outside.sum())
        near = _nearest_region_name(cov, region)
        for p in rec.picks:
            report.picks.append(
                Pick(
                    rank=p.rank,
                    lon=p.lon,
                    lat=p.lat,
                    name=candidates[p.candidate][0] if candidates is not None else "",
                    near=near(p.lon, p.lat),
                    gain=p.gain,
                    covered_population=p.covered_population,
                    percentage=p.percentage,
                )
            )
    with _rec_lock:
        _recommendations[key] = report
        while len(_recommendations) > 16:
            _recommendations.popitem(last=False)
    return report


def _nearest_region_name(cov: DistrictCoverage, region: Region):
    communities = [
        r
        for r in cov.regions.values()
        if r.level == Level.COMMUNITY and r.lon is not None and _in_region(r.code, region)
    ]
    if not communities:
        return lambda lon, lat: ""
    proj = LocalProjection(cov.district.lon or communities[0].lon, cov.district.lat or communities[0].lat)
    xy = proj.forward([c.lon for c in communities], [c.lat for c in communities])

    def near(lon, lat):
        p = proj.forward([lon], [lat])[0]
        return communities[int(np.argmin(((xy - p) ** 2).sum(axis=1)))].name

    return near

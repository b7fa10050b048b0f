"""Demo data of the 15-minute service circle: a synthetic street grid, places and residents.

The street grid and the residential points are synthetic, and every page that
shows them says so. The points of the communities that the linkage demo divided into grids
(it loads first) get their grids. The places sit near the demo regions' (also approximate)
centres. Idempotent: each part is made only when it is missing.
"""

from __future__ import annotations

import datetime as dt
import math
import random

import numpy as np
from django.db import transaction
from django.utils import timezone

from jiceng.circle import synthetic
from jiceng.circle.models import PlaceKind, PointSource, ResidentialPoint, ServicePlace, WalkNetwork
from jiceng.circle.network import LocalProjection, WalkGraph
from jiceng.circle.services import network_store
from jiceng.regions.models import Level, Region

SPACING_M = 80.0
MARGIN_M = 800.0
MAX_NODES = 60_000
N_POINTS = 3000
DEMO_NETWORK_NAME = "示范合成路网（非真实道路）"

SERVICES = {
    PlaceKind.CENTRE_DISTRICT: "政务服务、党员教育、人才服务、法律咨询、志愿服务、展览",
    PlaceKind.CENTRE_SUBDISTRICT: "政务代办、党员活动、社保医保、法律援助、老年食堂、图书阅览",
    PlaceKind.CENTRE_COMMUNITY: "党员活动、便民代办、议事协商、四点半课堂、健康小屋",
    PlaceKind.NEIGHBOURHOOD: "社区食堂、托育服务、日间照料、文体活动",
    PlaceKind.ORG_LIFE_BASE: "主题党日、红色阅读、开放式组织生活",
}


def _short(name: str) -> str:
    for suffix in ("社区居民委员会", "居民委员会", "社区居委会", "居委会", "街道办事处", "街道"):
        name = name.removesuffix(suffix)
    return name


def demo_graph(district: Region, communities: list[Region]) -> WalkGraph:
    """A street grid covering every community centre of the district, with a margin."""
    lons = [c.lon for c in communities if c.lon is not None] or [synthetic.DEMO_CENTER_LON]
    lats = [c.lat for c in communities if c.lat is not None] or [synthetic.DEMO_CENTER_LAT]
    lon0, lat0 = (min(lons) + max(lons)) / 2, (min(lats) + max(lats)) / 2
    xy = LocalProjection(lon0, lat0).forward(lons, lats)
    width = float(np.ptp(xy[:, 0])) + 2 * MARGIN_M
    height = float(np.ptp(xy[:, 1])) + 2 * MARGIN_M
    spacing = SPACING_M
    while (width / spacing + 1) * (height / spacing + 1) > MAX_NODES:
        spacing *= 1.1
    nx, ny = math.ceil(width / spacing) + 1, math.ceil(height / spacing) + 1
    return synthetic.grid_network(lon0, lat0, (nx, ny), spacing_m=spacing, seed=510107)


def _near(rng: random.Random, lon: float, lat: float, metres: float) -> tuple[float, float]:
    proj = LocalProjection(lon, lat)
    x, y = rng.uniform(-metres, metres), rng.uniform(-metres, metres)
    out_lon, out_lat = proj.inverse(x, y)
    return float(out_lon), float(out_lat)


def demo_places(district: Region, subdistricts: list[Region], communities: list[Region], network) -> list:
    rng = random.Random(15)
    by_sub: dict[str, list[Region]] = {}
    for c in communities:
        by_sub.setdefault(c.subdistrict_code, []).append(c)
    places: list[ServicePlace] = []

    def add(community, name, kind, lon, lat, hours, area):
        lon = min(max(lon, network.min_lon), network.max_lon)
        lat = min(max(lat, network.min_lat), network.max_lat)
        always = hours == "always"
        opens, closes = (None, None) if always else hours
        places.append(
            ServicePlace(
                district=district,
                community=community,
                name=name,
                kind=kind,
                lon=lon,
                lat=lat,
                address=f"{_short(community.name)}社区{rng.randint(1, 300)}号",
                always_open=always,
                opens_at=opens,
                closes_at=closes,
                services=SERVICES[kind],
                floor_area=area,
            )
        )

    day = (dt.time(8, 30), dt.time(20, 0))
    office = (dt.time(9, 0), dt.time(17, 30))
    evening = (dt.time(8, 0), dt.time(22, 0))
    if communities and district.lon is not None:
        home = min(communities, key=lambda c: (c.lon - district.lon) ** 2 + (c.lat - district.lat) ** 2)
        lon, lat = _near(rng, district.lon, district.lat, 150)
        add(home, f"{district.name}党群服务中心", PlaceKind.CENTRE_DISTRICT, lon, lat, day, 3200)
    for sub in subdistricts:
        members = by_sub.get(sub.subdistrict_code, [])
        if not members or sub.lon is None:
            continue
        home = min(members, key=lambda c: (c.lon - sub.lon) ** 2 + (c.lat - sub.lat) ** 2)
        lon, lat = _near(rng, sub.lon, sub.lat, 150)
        add(
            home,
            f"{_short(sub.name)}街道党群服务中心",
            PlaceKind.CENTRE_SUBDISTRICT,
            lon,
            lat,
            day,
            rng.randint(8, 20) * 100,
        )
    for i, com in enumerate(communities):
        if com.lon is None:
            continue
        short = _short(com.name)
        if i % 3 == 0:
            lon, lat = _near(rng, com.lon, com.lat, 200)
            hours = "always" if i % 9 == 0 else office
            add(
                com,
                f"{short}社区党群服务中心",
                PlaceKind.CENTRE_COMMUNITY,
                lon,
                lat,
                hours,
                rng.randint(3, 8) * 100,
            )
        if i % 10 == 4:
            lon, lat = _near(rng, com.lon, com.lat, 400)
            add(
                com, f"{short}邻里中心", PlaceKind.NEIGHBOURHOOD, lon, lat, evening, rng.randint(10, 30) * 100
            )
        if i % 14 == 7:
            lon, lat = _near(rng, com.lon, com.lat, 400)
            add(com, f"{short}开放式组织生活基地", PlaceKind.ORG_LIFE_BASE, lon, lat, "always", None)
    return places


def demo_points(district: Region, communities: list[Region], graph: WalkGraph) -> list[ResidentialPoint]:
    lonlat, population = synthetic.residential_points(graph, N_POINTS, seed=2026, n_clusters=24)
    placed = [c for c in communities if c.lon is not None]
    proj = graph.projection
    centres = proj.forward([c.lon for c in placed], [c.lat for c in placed])
    xy = proj.forward(lonlat[:, 0], lonlat[:, 1])
    from scipy.spatial import cKDTree

    _d, nearest = cKDTree(centres).query(xy, k=1)
    counters: dict[int, int] = {}
    out = []
    for (lon, lat), pop, j in zip(lonlat.tolist(), population.tolist(), nearest.tolist(), strict=True):
        com = placed[j]
        counters[com.id] = counters.get(com.id, 0) + 1
        out.append(
            ResidentialPoint(
                district=district,
                community=com,
                lon=lon,
                lat=lat,
                residents=int(pop),
                households=max(1, round(pop / 2.62)),
                building=f"{_short(com.name)}示范小区{counters[com.id]}号",
                source=PointSource.SYNTHETIC,
            )
        )
    return out


def demo_point_grids(district: Region) -> int:
    """Give the synthetic points of each community that has grids their grid, west to east.

    A grid is a contiguous patch of buildings, so each community's points are cut into as many
    bands of longitude as it has grids, with about the same number of points in each.
    """
    grids: dict[int, list[Region]] = {}
    for g in Region.objects.filter(district.subtree_q(), level=Level.GRID, is_active=True).order_by("code"):
        grids.setdefault(g.parent_id, []).append(g)
    changed = []
    now = timezone.now()
    for community_id, mine in grids.items():
        points = list(
            ResidentialPoint.objects.filter(
                district=district, community_id=community_id, source=PointSource.SYNTHETIC, grid__isnull=True
            ).order_by("lon", "id")
        )
        for i, point in enumerate(points):
            point.grid = mine[i * len(mine) // len(points)]
            point.updated_at = now  # bulk_update skips auto_now, and coverage caches by it
            changed.append(point)
    ResidentialPoint.objects.bulk_update(changed, ["grid", "updated_at"], batch_size=2000)
    return len(changed)


def load_circle_demo(district: Region, progress: bool = False) -> None:
    """Demo hook: the synthetic network, some places and residential points (idempotent)."""
    district = Region.objects.get(pk=district.pk)  # the caller's copy may predate its centre point
    regions = list(Region.objects.filter(district.subtree_q(), is_active=True).order_by("code"))
    communities = [r for r in regions if r.level == Level.COMMUNITY]
    subdistricts = [r for r in regions if r.level == Level.SUBDISTRICT]
    network = WalkNetwork.objects.filter(district=district).first()
    graph = None
    if network is None or (network.is_synthetic and not network.file_path().is_file()):
        graph = demo_graph(district, communities)
        network = network_store(district=district, graph=graph, name=DEMO_NETWORK_NAME, is_synthetic=True)
    with transaction.atomic():
        if not ServicePlace.objects.filter(district=district).exists():
            ServicePlace.objects.bulk_create(demo_places(district, subdistricts, communities, network))
        if not ResidentialPoint.objects.filter(district=district).exists() and network.is_synthetic:
            if graph is None:
                graph = WalkGraph.load(network.file_path())
            ResidentialPoint.objects.bulk_create(demo_points(district, communities, graph), batch_size=2000)
        if not ResidentialPoint.objects.filter(district=district, grid__isnull=False).exists():
            demo_point_grids(district)

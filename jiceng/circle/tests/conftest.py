"""Fixtures of the service circle: a hand-checkable network, places and residential points.

The "line" network is one straight street of 31 junctions 100 m apart, running east
along latitude 30.64 from x = -1500 m to x = +1500 m, so every walking distance can be
worked out by hand: junction i lies at x = 100·i − 1500.

    place P (subdistrict centre, always open, community A1) at junction 5
    place Q (neighbourhood centre, 09:00–17:00, community B1) at junction 25
    point a: A1, 100 residents,  junction 10  → 500 m from P
    point b: A1,  50 residents,  junction 22  → 1700 m from P, 300 m from Q
    point c: A2,  10 households (26 people), junction 2 → 300 m from P
    point d: B1,  70 residents,  junction 28  → 300 m from Q, 2300 m from P
"""

import datetime as dt

import numpy as np
import pytest

from jiceng.circle.models import PlaceKind, ResidentialPoint, ServicePlace
from jiceng.circle.network import LocalProjection, WalkGraph

LON0, LAT0 = 104.04, 30.64
PROJ = LocalProjection(LON0, LAT0)


def at(x: float, y: float = 0.0) -> tuple[float, float]:
    lon, lat = PROJ.inverse(x, y)
    return float(lon), float(lat)


def junction(i: int) -> tuple[float, float]:
    return at(100.0 * i - 1500.0)


def line_graph(n: int = 31) -> WalkGraph:
    lon, lat = PROJ.inverse(100.0 * np.arange(n) - 1500.0, np.zeros(n))
    return WalkGraph(
        node_lon=lon,
        node_lat=lat,
        edge_u=np.arange(n - 1),
        edge_v=np.arange(1, n),
        edge_len_m=np.full(n - 1, 100.0),
        source="test line",
    )


@pytest.fixture(autouse=True)
def fast_passwords(settings):
    """Personas' Argon2 hashing would dominate these tests' run time."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def var_dir(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.MEDIA_ROOT = tmp_path / "media"
    return tmp_path


@pytest.fixture
def located(regions):
    """The fixture regions with centre points on the line: A1 at junction 10, A2 at 2, B1 at 28."""
    for key, i in (("district", 15), ("A", 6), ("A1", 10), ("A2", 2), ("B", 28), ("B1", 28)):
        r = regions[key]
        r.lon, r.lat = junction(i)
        r.save(update_fields=["lon", "lat"])
    return regions


@pytest.fixture
def line_network(var_dir, located):
    from jiceng.circle.services import network_store

    return network_store(
        district=located["district"], graph=line_graph(), name="测试路网", is_synthetic=False
    )


def make_place(regions, community, name, kind, i, **kw):
    lon, lat = junction(i)
    return ServicePlace.objects.create(
        district=regions["district"],
        community=regions[community],
        name=name,
        kind=kind,
        lon=lon,
        lat=lat,
        **kw,
    )


@pytest.fixture
def hand_places(located):
    return {
        "P": make_place(
            located, "A1", "甲街道党群服务中心", PlaceKind.CENTRE_SUBDISTRICT, 5, always_open=True
        ),
        "Q": make_place(
            located,
            "B1",
            "乙邻里中心",
            PlaceKind.NEIGHBOURHOOD,
            25,
            opens_at=dt.time(9, 0),
            closes_at=dt.time(17, 0),
        ),
    }


def make_point(regions, community, i, **kw):
    lon, lat = junction(i)
    return ResidentialPoint.objects.create(
        district=regions["district"],
        community=regions[community] if community else None,
        lon=lon,
        lat=lat,
        **kw,
    )


@pytest.fixture
def hand_points(located):
    return {
        "a": make_point(located, "A1", 10, residents=100, building="甲1栋"),
        "b": make_point(located, "A1", 22, residents=50, building="甲2栋"),
        "c": make_point(located, "A2", 2, households=10, building="甲3栋"),
        "d": make_point(located, "B1", 28, residents=70, building="乙1栋"),
    }


@pytest.fixture
def hand(line_network, hand_places, hand_points, located):
    return {"network": line_network, **hand_places, **hand_points, "regions": located}

import time

from jiceng.circle.demo import MAX_NODES, load_circle_demo
from jiceng.circle.models import PlaceKind, PointSource, ResidentialPoint, ServicePlace, WalkNetwork
from jiceng.circle.queries.district import coverage_get
from jiceng.circle.queries.figures import figures_get
from jiceng.circle.queries.params import CircleParams
from jiceng.demo import registry
from jiceng.demo.district import load_regions_demo


def test_the_demo_hook_is_registered():
    assert load_circle_demo in registry.loaders()


def test_it_loads_a_synthetic_circle_once(db, var_dir):
    district = load_regions_demo(progress=False)
    started = time.perf_counter()
    load_circle_demo(district, False)
    assert time.perf_counter() - started < 10
    net = WalkNetwork.objects.get()
    assert net.is_synthetic and "合成" in net.name and net.nodes <= MAX_NODES
    assert net.min_lon < 104.043 < net.max_lon and net.min_lat < 30.642 < net.max_lat
    kinds = set(ServicePlace.objects.values_list("kind", flat=True))
    assert {PlaceKind.CENTRE_DISTRICT, PlaceKind.CENTRE_SUBDISTRICT, PlaceKind.CENTRE_COMMUNITY} <= kinds
    subdistricts = district.children.count()
    assert ServicePlace.objects.filter(kind=PlaceKind.CENTRE_SUBDISTRICT).count() == subdistricts
    assert (
        ResidentialPoint.objects.filter(source=PointSource.SYNTHETIC, community__isnull=False).count() == 3000
    )
    # every place and point lies on the network
    cov = coverage_get(district, CircleParams())
    assert cov.result.places.ok.all() and cov.result.points.ok.all()
    assert 20 < figures_get(cov, district).percentage < 90
    counts = (WalkNetwork.objects.count(), ServicePlace.objects.count(), ResidentialPoint.objects.count())
    load_circle_demo(district, False)
    assert (
        WalkNetwork.objects.count(),
        ServicePlace.objects.count(),
        ResidentialPoint.objects.count(),
    ) == counts
    assert WalkNetwork.objects.get().path == net.path


def test_the_demo_points_of_a_gridded_community_get_its_grids_west_to_east(db, var_dir):
    from jiceng.regions.models import Level, Region

    district = load_regions_demo(progress=False)
    community = Region.objects.filter(district.subtree_q(), level=Level.COMMUNITY).order_by("code").first()
    grids = [
        Region.objects.create(
            code=f"{community.code}{i:03d}", name=f"第{i}网格", level=Level.GRID, parent=community
        )
        for i in (1, 2, 3)
    ]
    load_circle_demo(district, False)
    points = ResidentialPoint.objects.filter(community=community)
    assert points.exists() and not points.filter(grid__isnull=True).exists()
    assert not ResidentialPoint.objects.exclude(community=community).filter(grid__isnull=False).exists()
    bands = [sorted(points.filter(grid=g).values_list("lon", flat=True)) for g in grids]
    assert all(bands) and bands[0][-1] <= bands[1][0] and bands[1][-1] <= bands[2][0]
    assert max(map(len, bands)) - min(map(len, bands)) <= 1

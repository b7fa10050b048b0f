"""The demo of place use: the first community's activities are held at its first place, and a room stays idle."""

import pytest
from django.utils import timezone

from conftest import make_user
from jiceng.activities.demo import load_activities_demo, load_place_use_demo
from jiceng.activities.models import Activity
from jiceng.activities.queries.places import place_list_for, place_use_list
from jiceng.circle.models import PlaceKind, ServicePlace
from jiceng.core.models import Role
from jiceng.demo import registry
from jiceng.regions.models import Level, Region

pytestmark = pytest.mark.django_db


def test_demo_holds_activities_at_a_place_and_leaves_one_idle(regions):
    district = regions["district"]
    sub = Region.objects.filter(parent=district, level=Level.SUBDISTRICT).order_by("code").first()
    community = Region.objects.filter(parent=sub, level=Level.COMMUNITY).order_by("code").first()
    worker = make_user("worker", Role.COMMUNITY_WORKER, region=community)
    ServicePlace.objects.create(
        district=district,
        community=community,
        name="党群服务中心",
        kind=PlaceKind.NEIGHBOURHOOD,
        lon=104,
        lat=30,
    )
    assert load_place_use_demo in registry.loaders()
    load_activities_demo(district)
    load_place_use_demo(district)
    counts = (Activity.objects.count(), ServicePlace.objects.count())
    load_place_use_demo(district)
    assert (Activity.objects.count(), ServicePlace.objects.count()) == counts  # twice changes nothing
    uses = {u.place.name: u for u in place_use_list(worker, timezone.now())}
    assert not uses["党群服务中心"].idle and uses["党群服务中心"].activities == 2  # past ones only
    (idle,) = [u for u in uses.values() if u.idle]
    assert idle.last_held is not None  # used once, long ago
    assert place_list_for(worker).count() == 2

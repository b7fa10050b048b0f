import pytest

from conftest import make_user
from jiceng.charters.demo import load_charters_demo
from jiceng.charters.models import Charter
from jiceng.charters.queries.charter import charter_list_current
from jiceng.core.models import Role
from jiceng.demo import registry
from jiceng.regions.models import Level, Region

pytestmark = pytest.mark.django_db


def test_demo_has_a_charter_with_two_versions_and_a_convention(regions):
    district = regions["district"]
    sub = Region.objects.filter(parent=district, level=Level.SUBDISTRICT).order_by("code").first()
    community = Region.objects.filter(parent=sub, level=Level.COMMUNITY).order_by("code").first()
    make_user("worker", Role.COMMUNITY_WORKER, region=community)
    assert load_charters_demo in registry.loaders()
    load_charters_demo(district)
    load_charters_demo(district)
    assert Charter.objects.count() == 3
    assert [(c.kind, c.version) for c in charter_list_current(community)] == [
        ("charter", 2),
        ("convention", 1),
    ]

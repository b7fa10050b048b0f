import pytest
from django.urls import reverse

from jiceng.regions.models import Level
from jiceng.regions.queries.tree import region_list_for


def test_it_shows_the_district_its_whole_tree(client, personas, regions):
    client.force_login(personas["district_admin"])
    response = client.get(reverse("regions:tree"))
    assert response.status_code == 200
    page = response.content.decode()
    assert regions["A1"].name in page and regions["B1"].name in page


@pytest.mark.parametrize("persona", ["sub_admin", "worker", "resident", "unit"])
def test_it_is_not_found_for_anyone_but_the_district(client, personas, persona):
    client.force_login(personas[persona])
    assert client.get(reverse("regions:tree")).status_code == 404


def test_a_subdistrict_admin_lists_only_their_subdistrict(personas, regions):
    mine = region_list_for(personas["sub_admin"])
    assert regions["A1"] in mine and regions["A"] in mine
    assert regions["B1"] not in mine and regions["district"] not in mine
    assert {r.level for r in mine} == {Level.SUBDISTRICT, Level.COMMUNITY}


def test_it_can_leave_out_inactive_regions(personas, regions):
    regions["A2"].is_active = False
    regions["A2"].save(update_fields=["is_active"])
    assert regions["A2"] in region_list_for(personas["sub_admin"])
    assert regions["A2"] not in region_list_for(personas["sub_admin"], active_only=True)

"""The overview page at each level, and 404 for everyone outside it."""

import pytest
from django.urls import reverse

from jiceng.cockpit.tests.factories import populate


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize(
    "persona,region,child",
    [("district_admin", "district", "A"), ("sub_admin", "A", "A1"), ("worker", "A1", None)],
)
def test_each_staff_level_opens_its_own_overview(client, personas, regions, persona, region, child):
    populate(regions)
    response = get(client, personas[persona], reverse("cockpit:overview"))
    assert response.status_code == 200
    assert response.context["region"] == regions[region]
    body = response.content.decode()
    assert regions[region].name in body
    if child:
        assert reverse("cockpit:region", args=[regions[child].code]) in body
        assert regions[child] in [c.region for c in response.context["children"]]
    else:
        assert response.context["children"] == [] and not response.context["drill"]


def test_figures_on_the_page_are_the_region_s_own(client, personas, regions):
    populate(regions)
    total = get(client, personas["sub_admin"], reverse("cockpit:region", args=[regions["A1"].code])).context[
        "total"
    ]
    # five residents made here, and the resident persona (李建国, no household) who also lives in A1
    assert (total.residents, total.households, total.party_members) == (6, 3, 2)


def test_a_district_admin_drills_into_any_subdistrict_and_sees_the_way_back(client, personas, regions):
    response = get(client, personas["district_admin"], reverse("cockpit:region", args=[regions["B"].code]))
    assert response.status_code == 200
    assert response.context["crumbs"] == [regions["district"], regions["B"]]


@pytest.mark.parametrize(
    "persona,region",
    [
        ("sub_admin", "B"),
        ("sub_admin", "B1"),
        ("outsider_sub_admin", "A1"),
        ("worker", "B1"),
        ("worker", "A"),
        ("worker", "A2"),
        ("outsider_worker", "A1"),
    ],
)
def test_an_overview_outside_one_s_scope_is_404(client, personas, regions, persona, region):
    url = reverse("cockpit:region", args=[regions[region].code])
    assert get(client, personas[persona], url).status_code == 404


@pytest.mark.parametrize("persona", ["resident", "unit", "outsider"])
def test_residents_and_units_have_no_overview(client, personas, regions, persona):
    assert get(client, personas[persona], reverse("cockpit:overview")).status_code == 404
    url = reverse("cockpit:region", args=[regions["A1"].code])
    assert get(client, personas[persona], url).status_code == 404


def test_an_unknown_code_is_404_and_anonymous_visitors_log_in(client, personas, regions):
    assert (
        get(client, personas["district_admin"], reverse("cockpit:region", args=["999999999999"])).status_code
        == 404
    )
    client.logout()
    response = client.get(reverse("cockpit:overview"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))

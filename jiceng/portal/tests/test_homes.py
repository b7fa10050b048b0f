"""The role homes: each role lands on its own, and the others' homes don't exist for it."""

import pytest
from django.urls import reverse


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize(
    "persona,home",
    [
        ("district_admin", "cockpit:overview"),
        ("sub_admin", "cockpit:overview"),
        ("worker", "portal:workbench"),
        ("unit", "portal:unit_home"),
        ("resident", "portal:resident_home"),
    ],
)
def test_each_role_lands_on_its_home(client, personas, persona, home):
    client.force_login(personas[persona])
    response = client.get(reverse("home"))
    assert response.url == reverse(home)
    assert client.get(response.url).status_code == 200


@pytest.mark.parametrize(
    "url,insider,outsiders",
    [
        ("portal:workbench", "worker", ["resident", "unit", "sub_admin"]),
        ("portal:unit_home", "unit", ["resident", "worker"]),
        ("portal:resident_home", "resident", ["unit"]),
    ],
)
def test_role_pages_are_404_for_other_roles(client, personas, url, insider, outsiders):
    assert get(client, personas[insider], reverse(url)).status_code == 200
    for outsider in outsiders:
        assert get(client, personas[outsider], reverse(url)).status_code == 404, outsider

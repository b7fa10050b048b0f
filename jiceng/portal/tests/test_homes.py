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
        ("portal:workbench", "worker", ["resident", "unit"]),
        ("portal:unit_home", "unit", ["resident", "worker"]),
        ("portal:resident_home", "resident", ["unit"]),
    ],
)
def test_role_pages_are_404_for_other_roles(client, personas, url, insider, outsiders):
    assert get(client, personas[insider], reverse(url)).status_code == 200
    for outsider in outsiders:
        assert get(client, personas[outsider], reverse(url)).status_code == 404, outsider


def test_a_user_without_a_role_is_told_whom_to_ask(client, db):
    from jiceng.core.models import User

    client.force_login(User.objects.create(username="nobody"))
    response = client.get(reverse("home"))
    assert response.status_code == 200 and "请联系" in response.content.decode()
    assert response.templates[0].name == "portal/no_role.html"


def test_a_worker_bound_to_no_community_has_no_workbench(client, personas, regions):
    from conftest import make_user
    from jiceng.core.models import Role

    odd = make_user("worker_sub", Role.COMMUNITY_WORKER, region=regions["A"])
    assert get(client, odd, reverse("portal:workbench")).status_code == 404


def test_the_workbench_shows_the_community_worked_in_not_the_one_lived_in(client, personas, regions):
    from jiceng.core.models import Role, RoleGrant

    worker = personas["worker"]
    RoleGrant.objects.create(user=worker, role=Role.RESIDENT, region=regions["B1"])
    response = get(client, worker, reverse("portal:workbench"))
    assert response.context["community"] == regions["A1"]
    assert response.context["summary"].residents == 1  # the resident persona lives in A1


def test_the_unit_home_lists_only_the_unit_s_own_organisation(client, personas):
    body = get(client, personas["unit"], reverse("portal:unit_home")).content.decode()
    assert "示范单位" in body and "外部单位" not in body


def test_the_menu_marks_the_page_being_shown(client, personas):
    response = get(client, personas["resident"], reverse("portal:resident_home"))
    active = [item["url"] for item in response.context["menu"] if item["active"]]
    assert active == [reverse("portal:resident_home")]
    assert response.context["primary_role"] == "resident"


def test_the_district_menu_is_read_by_area_of_work(client, personas, regions):
    """Thirty pages in one column: each page once, under a heading, the district's settings in the group
    they belong to; a worker who is also a resident gets the resident's pages after their own groups."""
    from jiceng.core.models import Role, RoleGrant

    response = get(client, personas["district_admin"], reverse("portal:workbench"))
    menu = response.context["menu"]
    urls = [item["url"] for item in menu]
    assert len(urls) == len(set(urls)) >= 30
    headings = [str(item["heading"]) for item in menu if item["heading"]]
    assert headings == [
        "总览与联动",
        "道德银行",
        "区域党建",
        "一刻钟服务圈",
        "居民与组织",
        "队伍与经费",
        "考核",
        "系统",
    ]
    groups, current = {}, None
    for item in menu:
        current = str(item["heading"]) if item["heading"] else current
        groups.setdefault(current, []).append(item["url"])
    assert (
        reverse("assessment:schemes") in groups["考核"]
        and reverse("workforce:settings") in groups["队伍与经费"]
    )
    assert groups["系统"] == [reverse("regions:tree"), reverse("core:audit")]
    body = response.content.decode()
    assert '<span class="menu-heading">队伍与经费</span>' in body
    worker = personas["worker"]
    RoleGrant.objects.create(user=worker, role=Role.RESIDENT, region=regions["A1"])
    menu = get(client, worker, reverse("portal:workbench")).context["menu"]
    assert [item["url"] for item in menu][-1] == reverse("alliance:report_in_me")
    assert menu[0]["heading"] is not None and sum(1 for item in menu if item["heading"] is None) > 20

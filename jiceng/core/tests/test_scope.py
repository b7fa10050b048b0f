"""Every view, from inside and from outside its scope."""

import pytest
from django.urls import reverse

from jiceng.core.models import AuditLog, ImportJob


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


@pytest.mark.parametrize(
    "url,insider,outsiders",
    [
        ("core:audit", "district_admin", ["worker", "resident", "unit"]),
        ("cockpit:overview", "sub_admin", ["resident", "unit"]),
        ("people:list", "worker", ["resident", "unit"]),
        ("people:import", "worker", ["resident", "unit"]),
        ("people:import_template", "worker", ["resident"]),
        ("orgs:list", "sub_admin", ["worker", "resident", "unit"]),
        ("orgs:create", "sub_admin", ["worker", "resident", "unit"]),
        ("regions:tree", "district_admin", ["sub_admin", "resident"]),
    ],
)
def test_role_pages_are_404_for_other_roles(client, personas, url, insider, outsiders):
    assert get(client, personas[insider], reverse(url)).status_code == 200
    for outsider in outsiders:
        assert get(client, personas[outsider], reverse(url)).status_code == 404, outsider


def test_overview_of_another_subdistrict_is_404(client, personas, regions):
    url = reverse("cockpit:region", args=[regions["B"].code])
    assert get(client, personas["outsider_sub_admin"], url).status_code == 200
    assert get(client, personas["sub_admin"], url).status_code == 404
    assert get(client, personas["district_admin"], url).status_code == 200


def test_people_list_shows_only_people_in_scope(client, personas, regions):
    body = get(client, personas["worker"], reverse("people:list")).content.decode()
    assert "李建国" in body and "赵外人" not in body
    body = get(client, personas["district_admin"], reverse("people:list")).content.decode()
    assert "李建国" in body and "赵外人" in body


def test_import_job_of_another_region_is_404(client, personas, regions):
    job = ImportJob.objects.create(
        kind="people", filename="x.csv", created_by=personas["outsider_worker"], region=regions["B1"]
    )
    url = reverse("people:import_job", args=[job.pk])
    assert get(client, personas["outsider_worker"], url).status_code == 200
    assert get(client, personas["worker"], url).status_code == 404


def test_orgs_list_is_scoped(client, personas):
    body = get(client, personas["sub_admin"], reverse("orgs:list")).content.decode()
    assert "示范单位" in body and "外部单位" not in body


def test_anonymous_users_are_sent_to_login(client, regions):
    response = client.get(reverse("people:list"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_organization_create_is_validated_and_audited(client, personas, regions):
    client.force_login(personas["sub_admin"])
    url = reverse("orgs:create")
    bad = client.post(
        url, {"name": "某公司", "kind": "unit", "region": regions["A1"].code, "uscc": "91350100M000100Y44"}
    )
    assert "校验位错误" in bad.content.decode()
    outside = client.post(url, {"name": "某公司", "kind": "unit", "region": regions["B1"].code})
    assert outside.status_code == 200 and "某公司" not in [
        o.name for o in __import__("jiceng.orgs.models", fromlist=["x"]).Organization.objects.all()
    ]
    ok = client.post(
        url, {"name": "某公司", "kind": "unit", "region": regions["A1"].code, "uscc": "91350100M000100Y43"}
    )
    assert ok.status_code == 302
    entry = AuditLog.objects.get(action="organization.create")
    assert entry.actor == personas["sub_admin"] and entry.after["uscc"] == "91350100M000100Y43"


def test_where_a_worker_lives_gives_no_staff_rights_there(client, personas, regions):
    from jiceng.core.models import Role, RoleGrant

    worker = personas["worker"]  # works in A1
    RoleGrant.objects.create(user=worker, role=Role.RESIDENT, region=regions["B1"])  # lives in B1
    client.force_login(worker)
    assert "赵外人" not in client.get(reverse("people:list")).content.decode()
    assert client.get(reverse("cockpit:region", args=[regions["B1"].code])).status_code == 404
    assert (
        client.get(reverse("portal:community", args=[regions["B1"].code])).status_code == 200
    )  # home, as a resident
    assert client.get(reverse("portal:community", args=[regions["A1"].code])).status_code == 200  # work


def test_login_never_redirects_off_site(client, personas):
    from conftest import PASSWORD

    response = client.post(
        reverse("login") + "?next=https://evil.example/", {"username": "res_a1", "password": PASSWORD}
    )
    assert response.url == reverse("home")
    client.logout()
    response = client.post(
        reverse("login") + "?next=/me/profile/", {"username": "res_a1", "password": PASSWORD}
    )
    assert response.url == "/me/profile/"

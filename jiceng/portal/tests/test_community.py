"""The community page, from inside and from outside the community."""

from django.urls import reverse

from conftest import make_person


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_community_page_is_open_to_its_residents_only(client, personas, regions):
    url = reverse("portal:community", args=[regions["A1"].code])
    assert get(client, personas["resident"], url).status_code == 200
    assert get(client, personas["outsider"], url).status_code == 404
    assert get(client, personas["outsider_worker"], url).status_code == 404
    assert get(client, personas["sub_admin"], url).status_code == 200
    assert get(client, personas["outsider_sub_admin"], url).status_code == 404


def test_community_page_masks_workers(client, personas, regions):
    from jiceng.core.models import RoleGrant

    worker_person = make_person(regions["A1"], "孙志强", phone="13811112222")
    personas["worker"].person = worker_person
    personas["worker"].save()
    RoleGrant.objects.get(user=personas["worker"])
    body = get(
        client, personas["resident"], reverse("portal:community", args=[regions["A1"].code])
    ).content.decode()
    assert "孙*强" in body and "孙志强" not in body
    assert "138****2222" in body and "13811112222" not in body

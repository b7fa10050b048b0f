"""The community page, from inside and from outside the community."""

from django.urls import reverse

from conftest import make_person


def get(client, user, url):
    client.force_login(user)
    return client.get(url)


def test_community_page_is_public_but_its_workers_are_for_its_own_people(client, personas, regions):
    url = reverse("portal:community", args=[regions["A1"].code])
    for who, inside in (
        ("resident", True),
        ("sub_admin", True),
        ("outsider", False),
        ("outsider_worker", False),
        ("outsider_sub_admin", False),
    ):
        response = get(client, personas[who], url)
        assert response.status_code == 200, who
        assert ("<h2>社区工作者</h2>" in response.content.decode()) == inside, who
    assert client.get(reverse("portal:community", args=["999999999999"])).status_code == 404


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


def test_the_page_lists_only_this_community_s_shared_entries_latest_first(personas, regions):
    import datetime as dt

    from jiceng.diary.models import DiaryEntry
    from jiceng.diary.queries.entries import diary_entry_list_shared

    day = dt.date(2026, 3, 1)
    for person, n, shared in [
        (personas["resident"].person, 12, True),
        (personas["outsider"].person, 2, True),
    ]:
        for i in range(n):
            DiaryEntry.objects.create(
                district=person.district,
                person=person,
                date=day + dt.timedelta(days=i),
                category="helping",
                text=f"{person.name}{i}",
                is_shared=shared,
            )
    entries = list(diary_entry_list_shared(regions["A1"]))
    assert len(entries) == 10 and all(e.person == personas["resident"].person for e in entries)
    assert [e.date for e in entries] == sorted((e.date for e in entries), reverse=True)


def test_workers_are_those_with_a_worker_grant_here_each_once(personas, regions):
    from jiceng.core.models import Role, RoleGrant
    from jiceng.portal.queries.community import worker_list

    worker = personas["worker"]
    worker.person = make_person(regions["A1"], "孙志强")
    worker.save()
    RoleGrant.objects.create(user=worker, role=Role.RESIDENT, region=regions["A1"])
    outsider = personas["outsider_worker"]
    outsider.person = make_person(regions["B1"], "钱外勤")
    outsider.save()
    assert list(worker_list(regions["A1"])) == [worker.person]

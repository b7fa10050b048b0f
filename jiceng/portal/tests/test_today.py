"""The workbench opens on today's to-do counts, each in the user's own scope."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jiceng.alliance.models import Action
from jiceng.bank.models import Notice, Redemption
from jiceng.portal.queries.today import todo_list_for
from jiceng.tests.outsiders_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(regions, personas):
    w = build_world(regions, personas)
    now = timezone.now()
    # Make every item of A1 due today: the notice ends tomorrow, the voucher lapses in a day,
    # the action was due yesterday.
    Notice.objects.filter(pk=w["notice"].pk).update(ends_at=now + dt.timedelta(days=1))
    Redemption.objects.filter(pk=w["redemption"].pk).update(expires_at=now + dt.timedelta(days=1))
    Action.objects.filter(pk=w["action"].pk).update(due_on=timezone.localdate() - dt.timedelta(days=1))
    return w


def counts(user) -> dict:
    return {t.key: t.count for t in todo_list_for(user)}


A1_TODAY = {
    "assignments": 0,
    "assignments_overdue": 0,
    "claims": 1,
    "objections": 1,
    "notices": 1,
    "vouchers": 1,
    "actions": 1,
    "needs": 0,
    # The outsider world's place in A1 has held no activity (its activity names no place).
    "idle_places": 1,
}


def test_it_counts_today_s_work_in_each_user_s_own_scope(world, personas, regions):
    """A worker counts their community, administrators add up theirs, outsiders count nothing."""
    for insider in ("worker", "sub_admin", "district_admin"):
        assert counts(personas[insider]) == A1_TODAY, insider
    for outsider in ("outsider_worker", "outsider_sub_admin"):
        assert set(counts(personas[outsider]).values()) == {0}, outsider

    from jiceng.alliance.tests.factories import need

    need(regions["A1"], personas["worker"], requester=world["victim"], title="甲一新需求")
    assert counts(personas["worker"])["needs"] == 1


def test_only_what_falls_due_soon_counts(world, personas):
    now = timezone.now()
    Notice.objects.filter(pk=world["notice"].pk).update(ends_at=now + dt.timedelta(days=3))
    Redemption.objects.filter(pk=world["redemption"].pk).update(expires_at=now + dt.timedelta(days=7))
    Action.objects.filter(pk=world["action"].pk).update(due_on=timezone.localdate())
    found = counts(personas["worker"])
    assert (found["notices"], found["vouchers"], found["actions"]) == (0, 0, 0)


def test_the_workbench_opens_on_today_and_links_each_count_to_its_list(client, world, personas):
    client.force_login(personas["worker"])
    body = client.get(reverse("portal:workbench")).content.decode()
    assert body.index("今天要办") < body.index("在册居民")
    assert f'href="{reverse("bank:review")}"' in body
    assert f'href="{reverse("alliance:actions")}?overdue=1"' in body
    assert f'href="{reverse("portal:vouchers_expiring")}"' in body
    assert "今天没有待办" not in body
    client.force_login(personas["outsider_worker"])
    assert "今天没有待办" in client.get(reverse("portal:workbench")).content.decode()


def test_the_subdistrict_administrator_has_a_workbench_over_the_subdistrict(client, world, personas, regions):
    client.force_login(personas["sub_admin"])
    response = client.get(reverse("portal:workbench"))
    assert response.status_code == 200
    assert response.context["community"] == regions["A"]
    assert response.context["todo_total"] == sum(A1_TODAY.values())


def test_the_near_expiry_list_shows_the_scope_s_vouchers_only(client, world, personas):
    client.force_login(personas["worker"])
    assert world["reward"].name in client.get(reverse("portal:vouchers_expiring")).content.decode()
    client.force_login(personas["outsider_worker"])
    body = client.get(reverse("portal:vouchers_expiring")).content.decode()
    assert world["reward"].name not in body and "没有快到期的兑换券" in body

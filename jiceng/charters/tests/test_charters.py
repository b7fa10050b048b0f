"""Charters and conventions: versions adopted by a residents' meeting, the current one public."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jiceng.alliance.tests.factories import get, post
from jiceng.charters.models import Charter
from jiceng.charters.queries.charter import charter_is_current, charter_list_current, charter_list_for
from jiceng.charters.services import CharterError, charter_adopt
from jiceng.core.models import AuditLog

pytestmark = pytest.mark.django_db


def adopt(regions, personas, community="A1", **kw):
    data = {
        "community": regions[community],
        "kind": "charter",
        "title": "居民自治章程",
        "body": "第一条 居民依法自治。",
        "adopted_on": timezone.localdate() - dt.timedelta(days=3),
        "attendance": 60,
        "votes_for": 40,
        "votes_against": 10,
        "votes_abstain": 10,
        "actor": personas["worker"],
    }
    return charter_adopt(**(data | kw))


def test_versions_number_up_per_kind_and_the_latest_is_current(regions, personas):
    first = adopt(regions, personas)
    second = adopt(regions, personas, body="第一条 居民依法自治。\n第二条 新增。")
    convention = adopt(regions, personas, kind="convention", title="社区公约")
    other = adopt(regions, personas, community="B1")
    assert (first.version, second.version, convention.version, other.version) == (1, 2, 1, 1)
    assert charter_list_current(regions["A1"]) == [second, convention]
    assert not charter_is_current(first) and charter_is_current(second)
    assert Charter.objects.count() == 4  # earlier versions kept
    assert AuditLog.objects.filter(action="charters.adopt").count() == 4


@pytest.mark.parametrize(
    "kw, message",
    [
        ({"votes_for": 30, "votes_against": 20, "votes_abstain": 10}, "没有通过"),  # exactly half is not more
        ({"votes_for": 50, "votes_against": 10, "votes_abstain": 1}, "不能超过到会人数"),
        ({"adopted_on": timezone.localdate() + dt.timedelta(days=1)}, "不能晚于今天"),
        ({"body": "  "}, "请填写标题和全文"),
    ],
)
def test_refused_unless_a_meeting_adopted_it(regions, personas, kw, message):
    with pytest.raises(CharterError, match=message):
        adopt(regions, personas, **kw)
    assert not Charter.objects.exists()


def test_refused_for_a_region_that_is_not_a_community(regions, personas):
    with pytest.raises(CharterError):
        adopt(regions, personas, community="A")


def test_staff_see_only_their_scope(regions, personas):
    adopt(regions, personas)
    adopt(regions, personas, community="B1")
    assert [c.community for c in charter_list_for(personas["worker"])] == [regions["A1"]]
    assert charter_list_for(personas["district_admin"]).count() == 2


def test_current_version_is_public_on_the_community_page(client, regions, personas):
    adopt(regions, personas, body="旧条文内容")
    adopt(regions, personas, body="新条文内容")
    page = client.get(reverse("portal:community", args=[regions["A1"].code]))
    assert "新条文内容" in page.text and "旧条文内容" not in page.text and "第 2 版" in page.text


def test_record_through_the_form(client, regions, personas):
    data = {
        "community": regions["A1"].pk,
        "kind": "convention",
        "title": "社区公约",
        "body": "一、邻里和睦。",
        "adopted_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        "attendance": 30,
        "votes_for": 10,
        "votes_against": 10,
        "votes_abstain": 10,
    }
    r = post(client, personas["worker"], "charters:create", data=data)
    assert "没有通过" in r.text and not Charter.objects.exists()
    r = post(client, personas["worker"], "charters:create", data=data | {"community": regions["B1"].pk})
    assert r.status_code == 200 and not Charter.objects.exists()
    r = post(client, personas["worker"], "charters:create", data=data | {"votes_for": 20, "votes_against": 0})
    charter = Charter.objects.get()
    assert r.status_code == 302 and r.url == reverse("charters:detail", args=[charter.pk])
    page = get(client, personas["worker"], "charters:detail", charter.pk)
    assert "现行版本" in page.text
    assert get(client, personas["outsider_worker"], "charters:detail", charter.pk).status_code == 404
    assert get(client, personas["resident"], "charters:list").status_code == 404

"""Activities held at service places: the publish form, each place's use, idle places, the workbench."""

import datetime as dt

import pytest
from django.utils import timezone

from jiceng.activities import services
from jiceng.activities.models import Activity, ActivityStatus
from jiceng.activities.queries.places import (
    IDLE_DAYS,
    place_count_idle,
    place_history_get,
    place_use_list,
)
from jiceng.activities.tests.factories import activity, attended
from jiceng.alliance.tests.factories import get, post
from jiceng.circle.models import PlaceKind, ServicePlace
from jiceng.people.models import Person
from jiceng.portal.queries.today import todo_list_for

pytestmark = pytest.mark.django_db

NOW = timezone.make_aware(dt.datetime(2026, 6, 15, 12, 0))


def place(regions, community, name):
    return ServicePlace.objects.create(
        district=regions["district"],
        community=regions[community],
        name=name,
        kind=PlaceKind.NEIGHBOURHOOD,
        lon=116.4,
        lat=39.9,
    )


@pytest.fixture
def places(regions):
    return {
        "used": place(regions, "A1", "甲一邻里中心"),
        "idle": place(regions, "A1", "甲一活动室"),
        "other": place(regions, "B1", "乙一邻里中心"),
    }


def held(regions, personas, where, days_ago, **kw):
    return activity(
        regions["A1"], personas["worker"], NOW - dt.timedelta(days=days_ago), service_place=where, **kw
    )


def test_use_counts_the_quarter_and_idle_is_a_quarter_without_activity(regions, personas, places):
    recent = held(regions, personas, places["used"], 10)
    for p in Person.objects.filter(community=regions["A1"])[:1]:
        attended(recent, p, 60)
    held(regions, personas, places["used"], 40)
    held(regions, personas, places["idle"], IDLE_DAYS + 1)  # just over a quarter ago
    held(regions, personas, places["idle"], 5, status=ActivityStatus.CANCELLED)
    uses = {u.place.name: u for u in place_use_list(personas["worker"], NOW)}
    assert set(uses) == {"甲一邻里中心", "甲一活动室"}  # not the other community's place
    assert (uses["甲一邻里中心"].activities, uses["甲一邻里中心"].checkins) == (2, 1)
    assert uses["甲一活动室"].idle and uses["甲一活动室"].last_held is not None
    assert not uses["甲一邻里中心"].idle
    assert [u.place.name for u in place_use_list(personas["worker"], NOW, idle_only=True)] == ["甲一活动室"]
    assert place_count_idle(personas["worker"], NOW) == 1
    assert place_count_idle(personas["district_admin"], NOW) == 2  # B1's place has nothing
    held(regions, personas, places["idle"], IDLE_DAYS - 1)
    assert place_count_idle(personas["worker"], NOW) == 0


def test_an_upcoming_activity_does_not_make_a_place_used(regions, personas, places):
    held(regions, personas, places["idle"], -3)
    assert place_count_idle(personas["worker"], NOW) == 2


def test_history_counts_per_month(regions, personas, places):
    a = held(regions, personas, places["used"], 3)  # 2026-06-12
    person = Person.objects.filter(community=regions["A1"]).first()
    attended(a, person, 30)
    held(regions, personas, places["used"], 20)  # 2026-05-26
    held(regions, personas, places["used"], 25)  # 2026-05-21
    history = place_history_get(places["used"], NOW, months=3)
    assert [(m.month, m.activities, m.checkins) for m in history.months] == [
        (dt.date(2026, 6, 1), 1, 1),
        (dt.date(2026, 5, 1), 2, 0),
        (dt.date(2026, 4, 1), 0, 0),
    ]


def test_workbench_counts_idle_places(regions, personas, places):
    todos = {t.key: t for t in todo_list_for(personas["worker"])}
    assert todos["idle_places"].count == 2
    assert todos["idle_places"].url.endswith("?idle=1")


def test_publish_at_a_place_of_the_community(regions, personas, places):
    start = timezone.now() + dt.timedelta(days=2)
    a = services.activity_publish(
        community=regions["A1"],
        organizer_kind="community",
        title="读书会",
        service_place=places["used"],
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        actor=personas["worker"],
    )
    assert (a.service_place, a.place) == (places["used"], "甲一邻里中心")
    with pytest.raises(services.ActivityError):
        services.activity_publish(
            community=regions["A1"],
            organizer_kind="community",
            title="读书会",
            service_place=places["other"],
            starts_at=start,
            ends_at=start + dt.timedelta(hours=1),
            actor=personas["worker"],
        )


def _form(**kw):
    start = timezone.localtime() + dt.timedelta(days=2)
    data = {
        "title": "读书会",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
    }
    return data | kw


def test_publish_form_offers_only_places_in_reach(client, regions, personas, places):
    page = get(client, personas["worker"], "activities:create")
    assert "甲一邻里中心" in page.text and "乙一邻里中心" not in page.text
    r = post(client, personas["worker"], "activities:create", data=_form(community=regions["A1"].pk))
    assert "请选择服务阵地，或填写活动地点" in r.text
    r = post(
        client,
        personas["worker"],
        "activities:create",
        data=_form(community=regions["A1"].pk, service_place=places["other"].pk),
    )
    assert r.status_code == 200 and not Activity.objects.exists()
    r = post(
        client,
        personas["worker"],
        "activities:create",
        data=_form(community=regions["A1"].pk, service_place=places["used"].pk),
    )
    assert r.status_code == 302
    assert Activity.objects.get().service_place == places["used"]


def test_pages_show_use_in_scope(client, regions, personas, places):
    activity(
        regions["A1"],
        personas["worker"],
        timezone.now() - dt.timedelta(days=10),
        service_place=places["used"],
    )
    page = get(client, personas["worker"], "activities:places", idle="1")
    assert "甲一活动室" in page.text and "甲一邻里中心" not in page.text and "乙一邻里中心" not in page.text
    page = get(client, personas["worker"], "activities:place", places["used"].pk)
    assert page.status_code == 200 and "每月使用" in page.text
    assert get(client, personas["worker"], "activities:place", places["other"].pk).status_code == 404
    assert get(client, personas["resident"], "activities:places").status_code == 404

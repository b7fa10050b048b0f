"""Activity pages: scope (outsiders get 404), the lists, publishing under each organiser's name."""

import datetime as dt

import pytest
from django.utils import timezone

from jiceng.activities import tokens
from jiceng.activities.models import Activity
from jiceng.alliance.tests.factories import alliance_a, get, post

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["outsider_worker", "outsider_sub_admin", "outsider_unit", "outsider"])
def test_outsiders_get_404_on_every_activity_page(client, personas, live, persona):
    user = personas[persona]
    for name in (
        "activities:detail",
        "activities:manage",
        "activities:qr",
        "activities:screen",
        "activities:attendance_export",
    ):
        assert get(client, user, name, live.pk).status_code == 404, name
    token = tokens.token_for(live)
    assert get(client, user, "activities:checkin", live.pk, token).status_code == 404
    for name in (
        "activities:signup",
        "activities:checkin_code",
        "activities:close",
        "activities:cancel",
        "activities:file_claims",
    ):
        assert post(client, user, name, live.pk).status_code == 404, name


def test_residents_see_activities_of_their_own_subdistrict(client, personas, live):
    assert "义诊活动" in get(client, personas["resident"], "activities:list").content.decode()
    assert "义诊活动" not in get(client, personas["outsider"], "activities:list").content.decode()
    assert "义诊活动" in get(client, personas["sub_admin"], "activities:list").content.decode()
    assert "义诊活动" not in get(client, personas["outsider_sub_admin"], "activities:list").content.decode()


def test_each_organiser_publishes_under_its_own_name(client, personas, regions):
    from jiceng.alliance.tests.factories import party_org

    committee = party_org(regions["A1"])
    start = timezone.localtime() + dt.timedelta(days=2)
    data = {
        "title": "清洁家园",
        "community": regions["A1"].pk,
        "place": "小广场",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "10",
        "signup_required": "on",
    }
    assert post(client, personas["worker"], "activities:create", data=data).status_code == 302
    made = Activity.objects.get()
    assert (made.organizer_kind, made.organizer_org, made.capacity, made.signup_required) == (
        "community",
        committee,
        10,
        True,
    )
    unit_data = data | {"title": "单位开放日", "organizer_org": personas["unit"].grants.get().organization_id}
    assert post(client, personas["unit"], "activities:create", data=unit_data).status_code == 302
    assert Activity.objects.get(title="单位开放日").organizer_kind == "unit"
    alliance = alliance_a(regions, personas)
    admin_data = data | {"title": "联盟联办", "alliance": alliance.pk, "community": regions["A2"].pk}
    assert post(client, personas["sub_admin"], "activities:create", data=admin_data).status_code == 302
    assert Activity.objects.get(title="联盟联办").alliance == alliance
    # a community outside the scope is not even offered
    response = post(
        client,
        personas["worker"],
        "activities:create",
        data=data | {"community": regions["B1"].pk, "title": "外"},
    )
    assert response.status_code == 200 and not Activity.objects.filter(title="外").exists()


def test_a_community_worker_publishes_an_activity_hosted_with_a_social_organisation(
    client, personas, regions
):
    from jiceng.orgs.models import Organization

    social = Organization.objects.create(
        district=regions["district"], region=regions["A"], kind="social", name="乐龄社工服务中心"
    )
    start = timezone.localtime() + dt.timedelta(days=2)
    data = {
        "title": "长者智能手机课堂",
        "community": regions["A1"].pk,
        "place": "党群服务中心",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "social_org": social.pk,
    }
    assert post(client, personas["worker"], "activities:create", data=data).status_code == 302
    made = Activity.objects.get()
    assert (made.organizer_kind, made.organizer_org, made.organizer_label) == (
        "social",
        social,
        "乐龄社工服务中心",
    )
    unit = Organization.objects.get(name="示范单位")  # not a social organisation: not offered
    page = post(
        client, personas["worker"], "activities:create", data=data | {"social_org": unit.pk, "title": "x"}
    )
    assert page.status_code == 200 and not Activity.objects.filter(title="x").exists()

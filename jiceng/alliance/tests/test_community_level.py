"""Joint meetings and symposia held at community level, convened by the community's workers."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jiceng.alliance import services
from jiceng.alliance.errors import AllianceError
from jiceng.alliance.models import Alliance, AllianceLevel
from jiceng.alliance.queries import visible
from jiceng.alliance.queries.taking_part import invitation_list_mine
from jiceng.alliance.tests.factories import at, get, party_org, post
from jiceng.orgs.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def community(regions, personas):
    worker = personas["worker"]
    alliance = services.alliance_create(region=regions["A1"], actor=worker)
    for o in (Organization.objects.get(name="示范单位"), party_org(regions["A1"])):
        services.member_join(alliance=alliance, organization=o, joined_on=dt.date(2025, 1, 1), actor=worker)
    meeting = services.meeting_schedule(
        alliance=alliance,
        kind="symposium",
        scheduled_at=at(timezone.localdate() + dt.timedelta(days=3)),
        actor=worker,
    )
    services.meeting_invite(meeting=meeting, actor=worker)
    return alliance, meeting


def test_a_community_alliance_admits_only_organisations_in_the_community(regions, personas, community):
    alliance, _meeting = community
    assert alliance.level == AllianceLevel.COMMUNITY
    other = Organization.objects.get(name="外部单位")
    with pytest.raises(AllianceError, match="范围内"):
        services.member_join(
            alliance=alliance, organization=other, joined_on=dt.date(2025, 1, 1), actor=personas["worker"]
        )
    with pytest.raises(AllianceError, match="已经有"):
        services.alliance_create(region=regions["A1"], actor=personas["worker"])


def test_the_community_workers_manage_it_and_the_subdistrict_above_sees_it(regions, personas, community):
    alliance, meeting = community
    for name in ("worker", "sub_admin", "district_admin"):
        assert list(visible.meeting_list_visible(personas[name])) == [meeting], name
    for name in ("outsider_worker", "outsider_sub_admin", "unit", "resident"):
        assert not visible.meeting_list_visible(personas[name]).exists(), name


def test_a_worker_founds_only_their_own_community_and_never_a_subdistrict(regions, personas):
    foundable = set(visible.region_list_foundable(personas["worker"]))
    assert foundable == {regions["A1"]}
    admin = set(visible.region_list_foundable(personas["sub_admin"]))
    assert regions["A"] in admin and regions["A1"] not in admin


def test_a_worker_founds_their_community_from_the_page_and_not_the_subdistrict(client, regions, personas):
    worker = personas["worker"]
    refused = post(client, worker, "alliance:create", data={"region": regions["A"].pk})
    assert refused.status_code == 200 and not Alliance.objects.exists()
    founded = post(client, worker, "alliance:create", data={"region": regions["A1"].pk})
    alliance = Alliance.objects.get()
    assert founded.url == reverse("alliance:detail", args=[alliance.pk])
    assert alliance.region == regions["A1"] and alliance.level == AllianceLevel.COMMUNITY


def test_a_worker_does_not_reach_the_subdistrict_alliance(client, regions, personas):
    sub = services.alliance_create(region=regions["A"], actor=personas["sub_admin"])
    assert get(client, personas["worker"], "alliance:detail", sub.pk).status_code == 404
    assert get(client, personas["worker"], "alliance:meeting_create", sub.pk).status_code == 404


def test_the_invited_members_take_part_through_the_existing_pages(client, regions, personas, community):
    _alliance, meeting = community
    assert [i.meeting for i in invitation_list_mine(personas["unit"])] == [meeting]
    assert get(client, personas["worker"], "alliance:meeting", meeting.pk).status_code == 200
    assert get(client, personas["sub_admin"], "alliance:meeting", meeting.pk).status_code == 200
    assert get(client, personas["outsider_worker"], "alliance:meeting", meeting.pk).status_code == 404
    r = post(client, personas["worker"], "alliance:agenda_add", meeting.pk, data={"title": "停车难"})
    assert r.status_code == 302
    assert meeting.agenda.filter(title="停车难").exists()

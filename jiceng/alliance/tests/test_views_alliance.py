"""Pages of the alliance itself: founding one, members joining and leaving, the rotating chair, proposing a symposium."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jiceng.alliance.models import Alliance, Meeting
from jiceng.alliance.tests.factories import at, get, party_org, post

pytestmark = pytest.mark.django_db


def test_member_leave_is_scoped(client, personas, world):
    member = world["alliance"].members.first()
    assert (
        post(
            client,
            personas["outsider_sub_admin"],
            "alliance:member_leave",
            member.pk,
            data={"left_on": "2030-01-01"},
        ).status_code
        == 404
    )


def test_members_join_and_the_chair_rotates_from_the_pages(client, personas, regions, world):
    admin, alliance = personas["sub_admin"], world["alliance"]
    new = party_org(regions["A2"], "中共新党支部")
    post(
        client,
        admin,
        "alliance:member_add",
        alliance.pk,
        data={"organization": new.pk, "joined_on": "2025-01-01"},
    )
    member = alliance.members.get(organization=new)
    today = timezone.localdate()
    post(
        client,
        admin,
        "alliance:chair_set",
        alliance.pk,
        data={
            "member": member.pk,
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=90)).isoformat(),
        },
    )
    page = get(client, admin, "alliance:detail", alliance.pk).content.decode()
    assert "中共新党支部" in page and "轮值主席" in page
    assert alliance.current_chair().member == member


def test_propose_button_and_symposium_reschedule_from_the_page(client, personas, world):
    admin = personas["sub_admin"]
    response = post(client, admin, "alliance:propose_symposium", world["alliance"].pk)
    meeting = Meeting.objects.get(kind="symposium")
    assert response.url == reverse("alliance:meeting", args=[meeting.pk]) and meeting.status == "proposed"
    when = at(timezone.localdate() + dt.timedelta(days=20), 15)
    post(
        client,
        admin,
        "alliance:meeting_reschedule",
        meeting.pk,
        data={"scheduled_at": timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")},
    )
    meeting.refresh_from_db()
    assert meeting.status == "scheduled" and meeting.scheduled_at == when


def test_an_administrator_founds_an_alliance_for_a_region_without_one(client, personas, regions):
    admin = personas["sub_admin"]
    assert regions["A"].name in get(client, admin, "alliance:create").content.decode()
    response = post(
        client, admin, "alliance:create", data={"region": regions["A"].pk, "default_place": "会议室"}
    )
    alliance = Alliance.objects.get()
    assert response.status_code == 302 and response.url == reverse("alliance:detail", args=[alliance.pk])
    assert alliance.region == regions["A"] and alliance.default_place == "会议室"
    # founded once: the region is not offered again
    again = post(client, admin, "alliance:create", data={"region": regions["A"].pk})
    assert again.status_code == 200 and Alliance.objects.count() == 1


@pytest.mark.parametrize("persona", ["unit", "resident", "outsider"])
def test_founding_an_alliance_is_not_there_for_other_roles(client, personas, regions, persona):
    user = personas[persona]
    assert get(client, user, "alliance:create").status_code == 404
    assert post(client, user, "alliance:create", data={"region": regions["A"].pk}).status_code == 404
    assert not Alliance.objects.exists()


def test_an_administrator_cannot_found_one_for_another_subdistrict(client, personas, regions):
    response = post(
        client, personas["outsider_sub_admin"], "alliance:create", data={"region": regions["A"].pk}
    )
    assert response.status_code == 200 and not Alliance.objects.exists()
    assert (
        regions["A"].name
        not in get(client, personas["outsider_sub_admin"], "alliance:create").content.decode()
    )

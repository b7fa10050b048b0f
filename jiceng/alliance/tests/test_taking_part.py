"""Members take part in their meetings: they see their invitations, answer them and propose items."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jiceng.alliance import services
from jiceng.alliance.errors import AllianceError
from jiceng.alliance.models import AgendaItem, Reply
from jiceng.alliance.queries.taking_part import invitation_list_mine
from jiceng.alliance.tests.factories import alliance_a, at
from jiceng.orgs.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def meeting(regions, personas):
    alliance = alliance_a(regions, personas)
    m = services.meeting_schedule(
        alliance=alliance,
        kind="symposium",
        scheduled_at=at(timezone.localdate() + dt.timedelta(days=5)),
        actor=personas["sub_admin"],
    )
    services.meeting_invite(meeting=m, actor=personas["sub_admin"])
    return m


def _unit_invitation(meeting):
    return meeting.invitations.get(member__organization__name="示范单位")


def test_each_member_sees_only_its_own_invitations(regions, personas, meeting):
    unit = invitation_list_mine(personas["unit"])
    assert [i.member.organization.name for i in unit] == ["示范单位"]
    worker = invitation_list_mine(personas["worker"])  # A1's party committee, not the unit sitting in A1
    assert [i.member.organization.region for i in worker] == [regions["A1"]]
    assert worker[0].member.organization.kind == "party"
    assert not invitation_list_mine(personas["outsider_unit"]).exists()
    assert not invitation_list_mine(personas["outsider_worker"]).exists()
    assert not invitation_list_mine(personas["resident"]).exists()


def test_a_member_confirms_or_gives_a_reason_before_the_meeting_only(personas, meeting):
    inv = _unit_invitation(meeting)
    with pytest.raises(AllianceError, match="原因"):
        services.invitation_reply(invitation=inv, coming=False, actor=personas["unit"])
    services.invitation_reply(invitation=inv, coming=False, reason="出差", actor=personas["unit"])
    inv.refresh_from_db()
    assert (inv.reply, inv.reply_reason, inv.replied_by) == (Reply.ABSENT, "出差", personas["unit"])
    services.invitation_reply(invitation=inv, coming=True, actor=personas["unit"])
    inv.refresh_from_db()
    assert (inv.reply, inv.reply_reason) == (Reply.COMING, "")
    late = meeting.scheduled_at + dt.timedelta(minutes=1)
    with pytest.raises(AllianceError, match="已经开始"):
        services.invitation_reply(invitation=inv, coming=True, actor=personas["unit"], now=late)


def test_a_proposed_item_is_the_members_and_is_recorded_when_it_becomes_a_resolution(
    client, personas, meeting
):
    inv = _unit_invitation(meeting)
    client.force_login(personas["unit"])
    r = client.post(
        reverse("alliance:agenda_propose", args=[inv.pk]), {"title": "共享停车位", "notes": "夜间开放"}
    )
    assert r.status_code == 302
    item = AgendaItem.objects.get(meeting=meeting)
    assert item.proposer == inv.member and item.proposed_by == personas["unit"]
    page = client.get(reverse("alliance:invitation", args=[inv.pk])).content.decode()
    assert "共享停车位" in page and "data-became-resolution" not in page
    held = meeting.scheduled_at + dt.timedelta(hours=1)
    services.resolution_add(
        meeting=meeting, text="夜间共享停车位", agenda_item=item, actor=personas["sub_admin"], now=held
    )
    services.action_create(
        resolution=meeting.resolutions.get(),
        track="joint_consultation",
        title="开放停车位",
        owner=Organization.objects.get(name="示范单位"),
        due_on=timezone.localdate() + dt.timedelta(days=30),
        actor=personas["sub_admin"],
    )
    page = client.get(reverse("alliance:invitation", args=[inv.pk])).content.decode()
    assert "data-became-resolution" in page and "源自 示范单位 提出的议题" in page and "开放停车位" in page


def test_the_pages_refuse_other_members(client, regions, personas, meeting):
    inv = _unit_invitation(meeting)
    client.force_login(personas["worker"])  # A1's worker answers for A1's party committee, not for the unit
    assert client.get(reverse("alliance:invitation", args=[inv.pk])).status_code == 404
    assert (
        client.post(reverse("alliance:invitation_reply", args=[inv.pk]), {"reply": "coming"}).status_code
        == 404
    )
    own = meeting.invitations.get(
        member__organization__kind="party", member__organization__region=regions["A1"]
    )
    client.force_login(personas["unit"])
    page = client.get(reverse("alliance:my_meetings")).content.decode()
    assert f'data-invitation="{inv.pk}"' in page and f'data-invitation="{own.pk}"' not in page
    r = client.post(reverse("alliance:invitation_reply", args=[inv.pk]), {"reply": "absent", "reason": ""})
    inv.refresh_from_db()
    assert r.status_code == 302 and inv.reply == ""

"""Pages of meetings: a meeting runs from scheduling to resolutions turned into actions."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jiceng.alliance.models import Action, Meeting
from jiceng.alliance.tests.factories import org, post

pytestmark = pytest.mark.django_db


def test_a_meeting_runs_from_the_pages(client, personas, regions, world):
    admin, alliance = personas["sub_admin"], world["alliance"]
    when = timezone.localtime().replace(second=0, microsecond=0)
    response = post(
        client,
        admin,
        "alliance:meeting_create",
        alliance.pk,
        data={"kind": "symposium", "scheduled_at": when.strftime("%Y-%m-%dT%H:%M"), "place": "会议室"},
    )
    meeting = Meeting.objects.get(kind="symposium")
    assert response.url == reverse("alliance:meeting", args=[meeting.pk])
    post(client, admin, "alliance:meeting_invite", meeting.pk)
    invitations = list(meeting.invitations.order_by("pk"))
    data = {f"att-{i.pk}": "present" for i in invitations} | {f"rep-{i.pk}": "" for i in invitations}
    post(client, admin, "alliance:meeting_attendance", meeting.pk, data=data)
    assert not meeting.invitations.filter(attendance="present").exists()  # only the check-in says so
    data = {f"att-{i.pk}": "excused" for i in invitations} | {f"rep-{i.pk}": "" for i in invitations}
    post(client, admin, "alliance:meeting_attendance", meeting.pk, data=data)
    assert meeting.invitations.filter(attendance="excused").count() == 3
    post(client, admin, "alliance:resolution_add", meeting.pk, data={"text": "开放单位食堂"})
    resolution = meeting.resolutions.get()
    owner = alliance.members.get(kind="unit").organization
    due = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    response = post(
        client,
        admin,
        "alliance:action_create",
        resolution.pk,
        data={"track": "joint_building", "title": "食堂向老人开放", "owner": owner.pk, "due_on": due},
    )
    assert response.status_code == 302
    assert Action.objects.get(title="食堂向老人开放").resolution == resolution
    # an owner outside the alliance is not even offered
    stranger = org(regions["B1"], "外人")
    response = post(
        client,
        admin,
        "alliance:action_create",
        resolution.pk,
        data={"track": "joint_building", "title": "x", "owner": stranger.pk, "due_on": due},
    )
    assert response.status_code == 200 and not Action.objects.filter(title="x").exists()

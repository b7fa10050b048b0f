"""Attendance taken on site: the convener's rotating QR, scanned by the invited member's operator."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jiceng.alliance import services, tokens
from jiceng.alliance.errors import AllianceError
from jiceng.alliance.models import Attendance, Reply
from jiceng.alliance.tests.factories import alliance_a, get
from jiceng.core import rotating

pytestmark = pytest.mark.django_db


@pytest.fixture
def today_meeting(regions, personas):
    alliance = alliance_a(regions, personas)
    now = timezone.localtime()
    meeting = services.meeting_schedule(
        alliance=alliance,
        kind="joint",
        scheduled_at=now + dt.timedelta(minutes=1),
        actor=personas["sub_admin"],
    )
    services.meeting_invite(meeting=meeting, actor=personas["sub_admin"])
    return meeting


def _unit(meeting):
    return meeting.invitations.get(member__organization__name="示范单位")


def test_a_fresh_token_records_present_and_a_stale_or_forged_one_is_refused(personas, today_meeting):
    inv = _unit(today_meeting)
    now = timezone.now()
    stale = tokens.token_for(today_meeting, now - dt.timedelta(seconds=2 * rotating.WINDOW_SECONDS + 1))
    with pytest.raises(AllianceError, match="已过期"):
        services.meeting_check_in(
            meeting=today_meeting, invitations=[inv], token=stale, actor=personas["unit"]
        )
    window, mac = tokens.token_for(today_meeting, now).split("-")
    for forged in (f"{window}-{'0' * len(mac)}", "nonsense", f"{int(window, 16) + 5:x}-{mac}"):
        with pytest.raises(AllianceError, match="无效"):
            services.meeting_check_in(
                meeting=today_meeting, invitations=[inv], token=forged, actor=personas["unit"]
            )
    inv.refresh_from_db()
    assert inv.attendance == Attendance.INVITED and inv.checked_in_at is None
    # the previous window is still accepted (the QR changed while the phone was opening it)
    previous = tokens.token_for(today_meeting, now - dt.timedelta(seconds=rotating.WINDOW_SECONDS))
    services.meeting_check_in(
        meeting=today_meeting, invitations=[inv], token=previous, actor=personas["unit"]
    )
    inv.refresh_from_db()
    assert inv.attendance == Attendance.PRESENT and inv.checked_in_by == personas["unit"]
    assert inv.reply == Reply.NONE  # presence and the answer beforehand stay apart


def test_a_token_of_another_meeting_is_refused(personas, today_meeting):
    other = services.meeting_schedule(
        alliance=today_meeting.alliance,
        kind="other",
        scheduled_at=today_meeting.scheduled_at,
        actor=personas["sub_admin"],
    )
    with pytest.raises(AllianceError, match="无效"):
        services.meeting_check_in(
            meeting=today_meeting,
            invitations=[_unit(today_meeting)],
            token=tokens.token_for(other),
            actor=personas["unit"],
        )


def test_check_in_happens_only_on_the_meeting_day(personas, today_meeting):
    tomorrow = timezone.now() + dt.timedelta(days=1)
    with pytest.raises(AllianceError, match="当天"):
        services.meeting_check_in(
            meeting=today_meeting,
            invitations=[_unit(today_meeting)],
            token=tokens.token_for(today_meeting, tomorrow),
            actor=personas["unit"],
            now=tomorrow,
        )


def test_the_operator_scans_and_is_present_and_an_outsider_is_not(client, personas, today_meeting):
    url = reverse("alliance:meeting_checkin", args=[today_meeting.pk, tokens.token_for(today_meeting)])
    client.force_login(personas["outsider_unit"])
    assert client.post(url).status_code == 404
    client.force_login(personas["unit"])
    page = client.get(url)
    assert page.status_code == 200 and "确认现场签到" in page.content.decode()
    assert _unit(today_meeting).attendance == Attendance.INVITED  # opening the link is not checking in
    assert client.post(url).status_code == 200
    assert _unit(today_meeting).attendance == Attendance.PRESENT
    assert today_meeting.invitations.filter(attendance=Attendance.PRESENT).count() == 1
    stale = tokens.token_for(today_meeting, timezone.now() - dt.timedelta(minutes=5))
    again = client.get(reverse("alliance:meeting_checkin", args=[today_meeting.pk, stale]))
    assert again.status_code == 200 and "现场签到。" in again.content.decode()  # already here: no error
    client.force_login(personas["worker"])
    response = client.post(reverse("alliance:meeting_checkin", args=[today_meeting.pk, stale]))
    assert response.status_code == 400 and "已过期" in response.content.decode()


def test_the_convener_sees_the_rotating_qr_on_the_day_only(client, personas, today_meeting):
    page = get(client, personas["sub_admin"], "alliance:meeting", today_meeting.pk).content.decode()
    assert 'id="qr"' in page and reverse("alliance:meeting_qr", args=[today_meeting.pk]) in page
    fragment = get(client, personas["sub_admin"], "alliance:meeting_qr", today_meeting.pk).content.decode()
    assert tokens.token_for(today_meeting) in fragment
    assert (
        get(client, personas["outsider_sub_admin"], "alliance:meeting_qr", today_meeting.pk).status_code
        == 404
    )
    services.meeting_reschedule(
        meeting=today_meeting,
        scheduled_at=today_meeting.scheduled_at + dt.timedelta(days=2),
        actor=personas["sub_admin"],
    )
    page = get(client, personas["sub_admin"], "alliance:meeting", today_meeting.pk).content.decode()
    assert 'id="qr"' not in page

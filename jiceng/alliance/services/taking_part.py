"""Members taking part in their meetings: answering an invitation and proposing agenda items."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.alliance import tokens
from jiceng.alliance.errors import AllianceError
from jiceng.alliance.models import AgendaItem, Attendance, Invitation, Meeting, MeetingStatus, Reply
from jiceng.alliance.services.meetings import _mark_held, agenda_item_add
from jiceng.core.audit import audit


def _before_meeting(invitation: Invitation, now: dt.datetime | None) -> None:
    meeting = invitation.meeting
    if meeting.status == MeetingStatus.CANCELLED:
        raise AllianceError(_("会议已取消。"))
    if meeting.status == MeetingStatus.HELD or meeting.scheduled_at <= (now or timezone.now()):
        raise AllianceError(_("会议已经开始或已召开，不能再答复或提出议题。"))


@transaction.atomic
def invitation_reply(
    *, invitation: Invitation, coming: bool, actor, reason: str = "", now: dt.datetime | None = None
) -> Invitation:
    """The invited member confirms it will come, or says why it cannot; it may change its answer until the meeting."""
    invitation = Invitation.objects.select_for_update().select_related("meeting").get(pk=invitation.pk)
    _before_meeting(invitation, now)
    reason = reason.strip()
    if not coming and not reason:
        raise AllianceError(_("请假请写明原因。"))
    invitation.reply = Reply.COMING if coming else Reply.ABSENT
    invitation.reply_reason = "" if coming else reason[:200]
    invitation.replied_at = now or timezone.now()
    invitation.replied_by = actor
    invitation.save(update_fields=["reply", "reply_reason", "replied_at", "replied_by"])
    audit(
        actor,
        "alliance.invitation_reply",
        invitation.meeting,
        after={"member": invitation.member_id, "reply": invitation.reply},
    )
    return invitation


@transaction.atomic
def agenda_propose(
    *, invitation: Invitation, title: str, actor, notes: str = "", now: dt.datetime | None = None
) -> AgendaItem:
    """An invited member puts an item on the agenda before the meeting, in its own name."""
    invitation = Invitation.objects.select_related("meeting", "member").get(pk=invitation.pk)
    _before_meeting(invitation, now)
    item = agenda_item_add(
        meeting=invitation.meeting, title=title, actor=actor, proposer=invitation.member, notes=notes
    )
    AgendaItem.objects.filter(pk=item.pk).update(proposed_by=actor)
    item.proposed_by = actor
    audit(
        actor,
        "alliance.agenda_propose",
        invitation.meeting,
        after={"member": invitation.member_id, "title": item.title},
    )
    return item


@transaction.atomic
def meeting_check_in(
    *, meeting: Meeting, invitations, token: str, actor, now: dt.datetime | None = None
) -> list[Invitation]:
    """The invited member scans the convener's rotating QR at the meeting and is recorded present.

    `invitations` are the user's own (the view passes `invitation_list_mine`); this is the only
    way an invitation becomes present, and a second scan changes nothing.
    """
    now = now or timezone.now()
    tokens.verify_token(meeting, token, now)
    if meeting.status == MeetingStatus.CANCELLED:
        raise AllianceError(_("会议已取消。"))
    day = timezone.localdate(meeting.scheduled_at)
    if day != timezone.localdate(now):
        raise AllianceError(_("现场签到只在会议当天（%(d)s）进行。") % {"d": day.isoformat()})
    rows = list(
        Invitation.objects.select_for_update().filter(meeting=meeting, pk__in=[i.pk for i in invitations])
    )
    if not rows:
        raise AllianceError(_("你所在的单位没有受邀参加这次会议，不能签到。"))
    fresh = [i for i in rows if i.checked_in_at is None]
    for inv in fresh:
        inv.attendance = Attendance.PRESENT
        inv.checked_in_at = now
        inv.checked_in_by = actor
    Invitation.objects.bulk_update(fresh, ["attendance", "checked_in_at", "checked_in_by"])
    if fresh:
        _mark_held(meeting)
        audit(actor, "alliance.meeting_check_in", meeting, after={"members": [i.member_id for i in fresh]})
    return rows

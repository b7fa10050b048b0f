"""Writes of meetings: scheduling and the bimonthly symposium, running a meeting, and its actions."""

import datetime as dt

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.alliance.dates import add_months
from jiceng.alliance.errors import AllianceError
from jiceng.alliance.models import (
    Action,
    ActionStatus,
    ActionUpdate,
    AgendaItem,
    Alliance,
    AllianceMember,
    Attendance,
    Invitation,
    Meeting,
    MeetingKind,
    MeetingStatus,
    RatingSource,
    Resolution,
    Track,
)
from jiceng.core.audit import audit, snapshot
from jiceng.orgs.models import Organization
from jiceng.regions.models import Level, Region

SYMPOSIUM_EVERY_MONTHS = 2
SYMPOSIUM_TIME = dt.time(14, 30)
# A symposium proposed after a long gap still leaves members a week to prepare.
SYMPOSIUM_NOTICE_DAYS = 7


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _default_title(kind: str, when: dt.datetime) -> str:
    local = timezone.localtime(when)
    return _("%(y)d年%(m)d月%(kind)s") % {"y": local.year, "m": local.month, "kind": MeetingKind(kind).label}


@transaction.atomic
def meeting_schedule(
    *, alliance: Alliance, kind: str, scheduled_at: dt.datetime, actor, title: str = "", place: str = ""
) -> Meeting:
    """Put a meeting on the alliance's calendar (a joint meeting, a symposium or another kind)."""
    if kind not in MeetingKind.values:
        raise AllianceError(_("请选择会议类型。"))
    meeting = Meeting.objects.create(
        alliance=alliance,
        kind=kind,
        title=title.strip() or _default_title(kind, scheduled_at),
        scheduled_at=scheduled_at,
        place=place.strip() or alliance.default_place,
        status=MeetingStatus.SCHEDULED,
        created_by=actor,
    )
    audit(actor, "alliance.meeting_schedule", meeting, after=snapshot(meeting))
    return meeting


def symposia_propose(*, now: dt.datetime | None = None, alliances=None) -> list[Meeting]:
    """Propose the next bimonthly symposium of every active alliance that has none coming.

    An alliance has one coming when a symposium (proposed, scheduled or held) falls
    within the next two months. Otherwise one is proposed two months after the last,
    but never sooner than a week from today. Running this twice proposes nothing more.
    `alliances` limits the run to some alliances (a queryset); by default it covers all.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    horizon = add_months(today, SYMPOSIUM_EVERY_MONTHS)
    window = (_day_start(today), _day_start(horizon + dt.timedelta(days=1)))
    created = []
    candidates = Alliance.objects.all() if alliances is None else alliances
    for alliance_id in candidates.filter(is_active=True).order_by("pk").values_list("pk", flat=True):
        with transaction.atomic():
            # The row lock makes two runs at once still propose one symposium.
            alliance = Alliance.objects.select_for_update().get(pk=alliance_id)
            symposia = alliance.meetings.filter(kind=MeetingKind.SYMPOSIUM).exclude(
                status=MeetingStatus.CANCELLED
            )
            if symposia.filter(scheduled_at__gte=window[0], scheduled_at__lt=window[1]).exists():
                continue
            last = symposia.filter(scheduled_at__lt=window[0]).order_by("-scheduled_at").first()
            earliest = today + dt.timedelta(days=SYMPOSIUM_NOTICE_DAYS)
            if last is None:
                day = today + dt.timedelta(days=2 * SYMPOSIUM_NOTICE_DAYS)
            else:
                day = max(add_months(timezone.localdate(last.scheduled_at), SYMPOSIUM_EVERY_MONTHS), earliest)
            day = min(day, horizon)
            when = timezone.make_aware(dt.datetime.combine(day, SYMPOSIUM_TIME))
            meeting = Meeting.objects.create(
                alliance=alliance,
                kind=MeetingKind.SYMPOSIUM,
                title=_default_title(MeetingKind.SYMPOSIUM, when),
                scheduled_at=when,
                place=alliance.default_place,
                status=MeetingStatus.PROPOSED,
                proposed_by_system=True,
            )
            audit(None, "alliance.symposium_propose", meeting, after=snapshot(meeting))
            created.append(meeting)
    return created


def _pending(meeting: Meeting) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not meeting.is_pending:
        raise AllianceError(_("会议状态为“%(s)s”，不能再调整时间。") % {"s": meeting.get_status_display()})
    return meeting


@transaction.atomic
def meeting_reschedule(
    *, meeting: Meeting, scheduled_at: dt.datetime, actor, place: str | None = None
) -> Meeting:
    """Move a meeting (typically the proposed symposium) and confirm it."""
    meeting = _pending(meeting)
    before = snapshot(meeting)
    meeting.scheduled_at = scheduled_at
    if place is not None and place.strip():
        meeting.place = place.strip()
    if meeting.proposed_by_system:
        meeting.title = _default_title(meeting.kind, scheduled_at)
    meeting.status = MeetingStatus.SCHEDULED
    meeting.save(update_fields=["scheduled_at", "place", "title", "status"])
    audit(actor, "alliance.meeting_reschedule", meeting, before=before, after=snapshot(meeting))
    return meeting


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, actor) -> Meeting:
    meeting = _pending(meeting)
    before = snapshot(meeting)
    meeting.status = MeetingStatus.CANCELLED
    meeting.save(update_fields=["status"])
    audit(actor, "alliance.meeting_cancel", meeting, before=before, after=snapshot(meeting))
    return meeting


@transaction.atomic
def meeting_invite(*, meeting: Meeting, actor) -> int:
    """Invite every organisation that is a member on the meeting's day; returns how many were new."""
    if meeting.status == MeetingStatus.CANCELLED:
        raise AllianceError(_("会议已取消，不能发出邀请。"))
    day = timezone.localdate(meeting.scheduled_at)
    members = AllianceMember.objects.filter(alliance=meeting.alliance_id, joined_on__lte=day).exclude(
        left_on__lte=day
    )
    have = set(meeting.invitations.values_list("member_id", flat=True))
    new = [Invitation(meeting=meeting, member=m) for m in members if m.pk not in have]
    Invitation.objects.bulk_create(new)
    if new:
        audit(actor, "alliance.meeting_invite", meeting, after={"invited": [i.member_id for i in new]})
    return len(new)


def _begun(meeting: Meeting, now: dt.datetime | None) -> Meeting:
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == MeetingStatus.CANCELLED:
        raise AllianceError(_("会议已取消。"))
    if not meeting.has_begun(now):
        raise AllianceError(
            _("会议还没有召开（%(d)s），召开当天或之后才能登记。")
            % {"d": timezone.localtime(meeting.scheduled_at).strftime("%Y-%m-%d %H:%M")}
        )
    return meeting


def _mark_held(meeting: Meeting) -> None:
    if meeting.status != MeetingStatus.HELD:
        meeting.status = MeetingStatus.HELD
        meeting.save(update_fields=["status"])


@transaction.atomic
def meeting_record_attendance(
    *,
    meeting: Meeting,
    attendance: dict[int, str],
    actor,
    representatives: dict[int, str] | None = None,
    now: dt.datetime | None = None,
) -> None:
    """Record, per invited member organisation (keyed by invitation id), an excuse or an absence.

    "Present" comes only from the on-site check-in (`meeting_check_in`): it cannot be set here,
    and a member that checked in stays present whatever the form says.
    """
    meeting = _begun(meeting, now)
    representatives = representatives or {}
    invitations = {i.pk: i for i in meeting.invitations.select_related("member__organization")}
    for pk, value in attendance.items():
        if pk not in invitations:
            raise AllianceError(_("只能为已邀请的成员单位登记出席情况，请先发出邀请。"))
        if value not in Attendance.values:
            raise AllianceError(_("出席情况只能是：出席、请假、缺席。"))
        invitation = invitations[pk]
        if invitation.checked_in_at is not None:
            value = Attendance.PRESENT
        elif value == Attendance.PRESENT:
            raise AllianceError(
                _("“出席”只能由现场扫码签到产生：请让%(o)s在会场扫描签到二维码。")
                % {"o": invitation.member.organization.name}
            )
        invitation.attendance = value
        invitation.representative = representatives.get(pk, invitation.representative).strip()
    Invitation.objects.bulk_update(invitations.values(), ["attendance", "representative"])
    _mark_held(meeting)
    audit(actor, "alliance.meeting_attendance", meeting, after={str(k): v for k, v in attendance.items()})


@transaction.atomic
def agenda_item_add(
    *, meeting: Meeting, title: str, actor, proposer: AllianceMember | None = None, notes: str = ""
) -> AgendaItem:
    if meeting.status == MeetingStatus.CANCELLED:
        raise AllianceError(_("会议已取消，不能再添加议题。"))
    if not title.strip():
        raise AllianceError(_("请填写议题。"))
    if proposer is not None and proposer.alliance_id != meeting.alliance_id:
        raise AllianceError(_("提出单位必须是本联盟的成员。"))
    Meeting.objects.select_for_update().get(pk=meeting.pk)
    last = meeting.agenda.aggregate(n=Max("position"))["n"] or 0
    return AgendaItem.objects.create(
        meeting=meeting, position=last + 1, title=title.strip(), proposer=proposer, notes=notes.strip()
    )


@transaction.atomic
def meeting_record_minutes(
    *, meeting: Meeting, minutes: str, actor, now: dt.datetime | None = None
) -> Meeting:
    meeting = _begun(meeting, now)
    if not minutes.strip():
        raise AllianceError(_("请填写会议纪要。"))
    before = snapshot(meeting)
    meeting.minutes = minutes.strip()
    meeting.status = MeetingStatus.HELD
    meeting.save(update_fields=["minutes", "status"])
    audit(actor, "alliance.meeting_minutes", meeting, before=before, after=snapshot(meeting))
    return meeting


@transaction.atomic
def resolution_add(
    *,
    meeting: Meeting,
    text: str,
    actor,
    agenda_item: AgendaItem | None = None,
    now: dt.datetime | None = None,
) -> Resolution:
    """Record a resolution of a meeting; each resolution is then turned into actions."""
    meeting = _begun(meeting, now)
    if not text.strip():
        raise AllianceError(_("请填写决议内容。"))
    if agenda_item is not None and agenda_item.meeting_id != meeting.pk:
        raise AllianceError(_("议题不属于这次会议。"))
    last = meeting.resolutions.aggregate(n=Max("number"))["n"] or 0
    resolution = Resolution.objects.create(
        meeting=meeting, agenda_item=agenda_item, number=last + 1, text=text.strip()
    )
    _mark_held(meeting)
    audit(actor, "alliance.resolution_add", resolution, after=snapshot(resolution))
    return resolution


@transaction.atomic
def action_create(
    *,
    resolution: Resolution,
    track: str,
    title: str,
    owner: Organization,
    due_on: dt.date,
    actor,
    description: str = "",
    served_community: Region | None = None,
) -> Action:
    """Turn (part of) a resolution into a tracked action with an owner and a due date."""
    meeting = resolution.meeting
    alliance = meeting.alliance
    if track not in Track.values:
        raise AllianceError(_("请选择任务类别：事务联商、组织联建、活动联办或平安联创。"))
    if not title.strip():
        raise AllianceError(_("请填写任务内容。"))
    if not AllianceMember.objects.filter(
        alliance=alliance, organization=owner, left_on__isnull=True
    ).exists():
        raise AllianceError(_("责任单位“%(o)s”不是联盟的现有成员，请先把它加入联盟。") % {"o": owner.name})
    if due_on < timezone.localdate(meeting.scheduled_at):
        raise AllianceError(_("完成时限不能早于会议日期。"))
    if served_community is not None and (
        served_community.level != Level.COMMUNITY or not alliance.region.contains(served_community)
    ):
        raise AllianceError(_("服务社区必须是本联盟范围内的社区。"))
    action = Action.objects.create(
        alliance=alliance,
        resolution=resolution,
        track=track,
        title=title.strip(),
        description=description.strip(),
        owner=owner,
        due_on=due_on,
        served_community=served_community,
        created_by=actor,
    )
    audit(actor, "alliance.action_create", action, after=snapshot(action))
    return action


def _open_action(action: Action) -> Action:
    action = Action.objects.select_for_update().get(pk=action.pk)
    if action.status != ActionStatus.OPEN:
        raise AllianceError(_("任务已办结，不能再修改。"))
    return action


@transaction.atomic
def action_update_add(*, action: Action, text: str, progress: int, actor) -> ActionUpdate:
    """Report progress on an action (by its owner or the alliance)."""
    action = _open_action(action)
    if not text.strip():
        raise AllianceError(_("请填写进展情况。"))
    if not isinstance(progress, int) or not 0 <= progress <= 100:
        raise AllianceError(_("进度请填写 0 到 100 之间的整数。"))
    update = ActionUpdate.objects.create(action=action, text=text.strip(), progress=progress, author=actor)
    action.progress = progress
    action.save(update_fields=["progress"])
    return update


@transaction.atomic
def action_close(
    *,
    action: Action,
    result: str,
    rating: int | None,
    rating_source: str,
    actor,
    now: dt.datetime | None = None,
) -> Action:
    """Close an action with its result and the 1–5 rating of the residents or community it served."""
    action = _open_action(action)
    if not (result or "").strip():
        raise AllianceError(_("请填写办理结果后再办结。"))
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise AllianceError(_("请填写服务对象的评价：1 到 5 分（5 分最满意）。"))
    if rating_source not in RatingSource.values:
        raise AllianceError(_("请选择评价来自居民还是受益社区。"))
    now = now or timezone.now()
    before = snapshot(action)
    action.status = ActionStatus.DONE
    action.result = result.strip()
    action.rating = rating
    action.rating_source = rating_source
    action.rated_at = now
    action.closed_at = now
    action.closed_by = actor
    action.progress = 100
    action.save()
    audit(actor, "alliance.action_close", action, before=before, after=snapshot(action))
    return action

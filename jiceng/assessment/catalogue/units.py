"""Resident-unit indicators (驻区单位, the member units of the alliances): attendance, co-hosting, proposals.

Each takes the unit (an `orgs.Organization`) as its subject, as the published 大党委 member-unit
rules score them: points added or taken per event on a base the scheme sets.
"""

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from jiceng.activities.models import Activity, ActivityStatus
from jiceng.alliance.models import Attendance, Invitation, MeetingStatus, Resolution
from jiceng.assessment.catalogue.registry import Result, computation, ids, window
from jiceng.orgs.models import Organization

ABSENCE_POINTS = -5
FULL_ATTENDANCE_POINTS = 3


@computation(
    code="alliance.unit_attendance",
    name="联席会议出席",
    description=(
        "考核期内本单位所在联盟已召开、且邀请了本单位的会议：每次无故缺席（既未签到出席也未请假）"
        "扣5分；全部出席（至少受邀一次）加3分；请假不扣分也不加分。没有登记出席情况的会议（无人签到，"
        "也没有登记请假或缺席）不计。指标值为加减的分数"
    ),
    unit="分",
    subjects=("unit",),
    rule="per_event",
    base_points=12,
    per_event=1,
    max_points=15,
)
def unit_attendance(unit: Organization, start, end) -> Result:
    lo, hi = window(start, end)
    # A meeting whose attendance was never taken (no member checked in, none excused or marked
    # absent: its minutes alone made it held) is a missing record, not every member's absence.
    taken = Invitation.objects.filter(meeting=OuterRef("meeting")).exclude(attendance=Attendance.INVITED)
    rows = list(
        Invitation.objects.filter(
            Exists(taken),
            member__organization=unit,
            meeting__status=MeetingStatus.HELD,
            meeting__scheduled_at__gte=lo,
            meeting__scheduled_at__lt=hi,
        ).values_list("pk", "attendance")
    )
    if not rows:
        return Result(None)
    absent = sum(1 for _pk, a in rows if a not in (Attendance.PRESENT, Attendance.EXCUSED))
    present = sum(1 for _pk, a in rows if a == Attendance.PRESENT)
    value = FULL_ATTENDANCE_POINTS if present == len(rows) else ABSENCE_POINTS * absent
    return Result(value, ids("alliance.Invitation", [pk for pk, _a in rows]))


def quarters_within(start: dt.date, end: dt.date) -> list[tuple[dt.date, dt.date]]:
    """The calendar quarters lying wholly inside [start, end], first to last."""
    out = []
    year, q = start.year, (start.month - 1) // 3
    while True:
        first = dt.date(year, 3 * q + 1, 1)
        nxt = dt.date(year + (q == 3), 3 * ((q + 1) % 4) + 1, 1)
        last = nxt - dt.timedelta(days=1)
        if first > end:
            return out
        if first >= start and last <= end:
            out.append((first, last))
        year, q = nxt.year, (nxt.month - 1) // 3


def cohosted_activities(unit: Organization):
    """Activities the unit hosted or co-hosted: organised by it, or an alliance's activity for an action it owns."""
    return Activity.objects.filter(Q(organizer_org=unit) | Q(alliance__isnull=False, action__owner=unit))


@computation(
    code="alliance.unit_quarters_idle",
    name="活动联办（季度）",
    description=(
        "考核期内已经结束的每个完整季度（部分落在考核期外的季度不计），本单位没有主办或联办任何已举办"
        "（未取消）活动的，每个季度扣5分。联办指本单位作为主办单位，或联盟为本单位负责的联盟任务举办活动。"
        "指标值为这样的季度个数"
    ),
    unit="个季度",
    subjects=("unit",),
    rule="per_event",
    base_points=20,
    per_event=-5,
    max_points=20,
)
def unit_quarters_idle(unit: Organization, start, end) -> Result:
    today = timezone.localdate()
    quarters = [(a, b) for a, b in quarters_within(start, end) if b < today]
    if not quarters:
        return Result(None)
    lo, hi = window(quarters[0][0], quarters[-1][1])
    rows = list(
        cohosted_activities(unit)
        .exclude(status=ActivityStatus.CANCELLED)
        .filter(starts_at__gte=lo, starts_at__lt=hi)
        .values_list("pk", "starts_at")
    )
    busy = {timezone.localtime(at).date() for _pk, at in rows}
    idle = sum(1 for a, b in quarters if not any(a <= d <= b for d in busy))
    return Result(idle, ids("activities.Activity", [pk for pk, _at in rows]))


@computation(
    code="alliance.unit_proposals_adopted",
    name="提出议题形成决议",
    description="考核期内已召开的联盟会议上，本单位提出的议题形成决议的，每个议题加2分。指标值为这样的议题个数",
    unit="个",
    subjects=("unit",),
    rule="per_event",
    base_points=0,
    per_event=2,
    max_points=10,
)
def unit_proposals_adopted(unit: Organization, start, end) -> Result:
    lo, hi = window(start, end)
    rows = list(
        Resolution.objects.filter(
            agenda_item__proposer__organization=unit,
            meeting__status=MeetingStatus.HELD,
            meeting__scheduled_at__gte=lo,
            meeting__scheduled_at__lt=hi,
        ).values_list("pk", "agenda_item_id")
    )
    return Result(len({item for _pk, item in rows}), ids("alliance.Resolution", [pk for pk, _i in rows]))

"""Reading tasks: where each one stands, rolled up from its recipients, and the outcome counts per region.

Completion is computed on read, so it is always what the records say now: a row without
children is done when its recipient reported it or, for evidence the product records
(最多报一次), when the records in its region since `starts_on` reach `target`; a row with
children is done when all of them are, at the moment the last one was.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from jiceng.activities.models import Activity, ActivityStatus
from jiceng.alliance.models import Meeting, MeetingKind, MeetingStatus, Need, NeedStatus
from jiceng.core.models import Role
from jiceng.core.scope import scope_for, scoped
from jiceng.linkage.models import Assignment, Evidence, GridHousehold
from jiceng.regions.models import Level, Region

# Staff who issue, split and report tasks; each at the level of their grant.
STAFF = (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN, Role.COMMUNITY_WORKER, Role.GRID_WORKER)


class Outcome:
    ON_TIME = "on_time"
    LATE = "late"
    MISSED = "missed"
    OPEN = "open"


OUTCOME_LABELS = {
    Outcome.ON_TIME: _("按期完成"),
    Outcome.LATE: _("逾期完成"),
    Outcome.MISSED: _("逾期未完成"),
    Outcome.OPEN: _("进行中"),
}


@dataclass
class Standing:
    """Where one row stands: when it was done (None if not yet), how many records or reports count."""

    assignment: Assignment
    done_at: dt.datetime | None
    count: int  # records found (detected), 1/0 reported (file, number), or children done
    of: int  # what is needed: target, 1, or number of children
    children: list["Standing"] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return self.done_at is not None

    def outcome(self, now: dt.datetime | None = None) -> str:
        end = self.assignment.deadline_end()
        if self.done_at is not None:
            return Outcome.ON_TIME if self.done_at < end else Outcome.LATE
        return Outcome.MISSED if (now or timezone.now()) >= end else Outcome.OPEN

    def outcome_label(self):
        return OUTCOME_LABELS[self.outcome()]

    @property
    def overdue(self) -> bool:
        return self.outcome() == Outcome.MISSED

    @property
    def shown(self) -> int:
        """The count as progress shows it: records beyond what is needed do not make it more done."""
        return min(self.count, self.of)

    @property
    def percent(self) -> int:
        return int(100 * min(self.count, self.of) / self.of) if self.of else 100


def _since(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def record_times(assignment: Assignment) -> list[dt.datetime]:
    """When each record that counts for a detected task happened, in order (empty for reported kinds)."""
    region, since = assignment.region, _since(assignment.starts_on)
    if assignment.evidence in (Evidence.SYMPOSIUM, Evidence.MEETING):
        kind = MeetingKind.SYMPOSIUM if assignment.evidence == Evidence.SYMPOSIUM else MeetingKind.JOINT
        rows = Meeting.objects.filter(
            region.subtree_q("alliance__region"),
            kind=kind,
            status=MeetingStatus.HELD,
            scheduled_at__gte=since,
        ).values_list("scheduled_at", flat=True)
    elif assignment.evidence == Evidence.ACTIVITY:
        rows = Activity.objects.filter(
            region.subtree_q("community"), status=ActivityStatus.CLOSED, starts_at__gte=since
        ).values_list("closed_at", flat=True)
    elif assignment.evidence == Evidence.NEED:
        needs = Need.objects.filter(status=NeedStatus.RESOLVED, resolved_at__gte=since)
        if region.level == Level.GRID:
            needs = needs.filter(requester__household__grid_link__grid=region)
        else:
            needs = needs.filter(region.subtree_q("community"))
        rows = needs.values_list("resolved_at", flat=True)
    else:
        return []
    return sorted(t for t in rows if t is not None)


def _leaf(a: Assignment) -> Standing:
    if a.is_detected:
        times = record_times(a)
        done_at = times[a.target - 1] if len(times) >= a.target else None
        return Standing(a, done_at, len(times), a.target)
    return Standing(a, a.reported_at, 1 if a.reported_at else 0, 1)


def _stand(a: Assignment, kids: dict[int, list[Assignment]]) -> Standing:
    children = [_stand(c, kids) for c in kids.get(a.pk, [])]
    if not children:
        return _leaf(a)
    done = [c for c in children if c.done]
    done_at = max(c.done_at for c in done) if len(done) == len(children) else None
    return Standing(a, done_at, len(done), len(children), children)


def _tree_of(root_id: int) -> dict[int | None, list[Assignment]]:
    rows = Assignment.objects.filter(Q(pk=root_id) | Q(root_id=root_id)).select_related("region")
    kids: dict[int | None, list[Assignment]] = defaultdict(list)
    for row in rows.order_by("region__code", "pk"):
        kids[row.parent_id].append(row)
    return kids


def assignment_standing(assignment: Assignment) -> Standing:
    """The standing of `assignment` with every row below it, in two queries plus the record counts."""
    kids = _tree_of(assignment.root_id or assignment.pk)
    return _stand(assignment, kids)


def assignment_list_visible(user) -> QuerySet[Assignment]:
    """Every row of every task in the user's staff scope (their own rows and everything below them)."""
    return scoped(user, Assignment.objects.all(), region="region", roles=STAFF).select_related("region")


def assignment_list_inbox(user) -> list[Standing]:
    """Tasks sent to the user's own regions by the level above, with where they stand, open ones first."""
    regions = [r.pk for r in scope_for(user).regions_for(STAFF)]
    rows = Assignment.objects.filter(region_id__in=regions, parent__isnull=False).select_related("region")
    standings = [assignment_standing(a) for a in rows]
    return sorted(standings, key=lambda s: (s.done, s.assignment.deadline))


def assignment_list_issued(user) -> list[Standing]:
    """Tasks the user's own regions issued (the rows without a parent), newest deadline last."""
    regions = [r.pk for r in scope_for(user).regions_for(STAFF)]
    rows = Assignment.objects.filter(region_id__in=regions, parent__isnull=True).select_related("region")
    return [assignment_standing(a) for a in rows]


def assignment_count_open(user) -> int:
    """Open tasks in the user's inbox: the workbench's to-do count."""
    return sum(1 for s in assignment_list_inbox(user) if not s.done)


def assignment_count_overdue_below(user, now: dt.datetime | None = None) -> int:
    """Rows of the levels below the user's own regions that are past their deadline and not done.

    The issuer's reminder on the workbench: who below has missed a task (their own rows excluded).
    """
    today = timezone.localdate(now) if now else timezone.localdate()
    own = [r.pk for r in scope_for(user).regions_for(STAFF)]
    rows = (
        assignment_list_visible(user)
        .filter(parent__isnull=False, deadline__lt=today)
        .exclude(region_id__in=own)
    )
    return sum(1 for a in rows if not assignment_standing(a).done)


def assignment_list_overdue(district: Region, now: dt.datetime | None = None) -> list[Standing]:
    """Recipients' rows past their deadline and not done, across the district: who to remind."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    rows = Assignment.objects.filter(
        district=district, parent__isnull=False, deadline__lt=today
    ).select_related("region", "parent__region")
    return [s for s in (assignment_standing(a) for a in rows) if not s.done]


def _walk(standing: Standing):
    yield standing
    for child in standing.children:
        yield from _walk(child)


def outcome_counts_by_region(
    region: Region, now: dt.datetime | None = None, *, due: tuple[dt.date, dt.date] | None = None
) -> dict[int, dict[str, int]]:
    """For each recipient region under `region` (itself included): its tasks on time, late, missed, open.

    Assessment reads this as an indicator; it counts the rows addressed to that region (each tree is
    worked out once). With `due` = (first, last day), only the rows whose deadline falls in it.
    """
    rows = Assignment.objects.filter(region.subtree_q("region"), parent__isnull=False)
    if due is not None:
        rows = rows.filter(deadline__gte=due[0], deadline__lte=due[1])
    wanted = set(rows.values_list("pk", flat=True))
    roots = set(rows.values_list("root_id", flat=True))
    out: dict[int, dict[str, int]] = {}
    for root_id in roots:
        kids = _tree_of(root_id)
        for s in _walk(_stand(kids[None][0], kids)):
            a = s.assignment
            if a.pk in wanted:
                counts = out.setdefault(a.region_id, {k: 0 for k in OUTCOME_LABELS})
                counts[s.outcome(now)] += 1
    return out


def recipient_choices(region: Region) -> QuerySet[Region]:
    """The regions one level below `region` that may receive a task from it."""
    return Region.objects.filter(parent=region, is_active=True).order_by("code")


def grid_of_household(household_id: int) -> Region | None:
    link = GridHousehold.objects.filter(household_id=household_id).select_related("grid").first()
    return link.grid if link else None

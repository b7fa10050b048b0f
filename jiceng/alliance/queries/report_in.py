"""Reads of report-in: what reported-in members did, and what they can sign up for.

Who attended what is recorded by `activities`, the floor above this app (an activity
can be co-hosted by an alliance, so activities builds on alliance and never the other
way round). It hands in its reader of attendance when it starts
(`ActivitiesConfig.ready` calls `attendance_reader_register`), so service is counted
here without importing it. With no reader, nobody has served yet.
"""

import datetime as dt
from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field

from django.db.models import Q, QuerySet
from django.utils import timezone

from jiceng.alliance.models import Project, ProjectStatus, ReportIn, ReportInStatus, ServicePost
from jiceng.orgs.models import Organization
from jiceng.people.models import PartyMembership, Person
from jiceng.regions.models import Region

# reader(person_ids, start, end): the checked-out attendances of those people that began
# in [start, end), of activities not cancelled, oldest first. Each row has `person_id`,
# `checked_in_at`, `checked_out_at`, `minutes` and `activity` (with `title` and `place`).
AttendanceReader = Callable[[Collection[int], dt.datetime, dt.datetime], Iterable]
_readers: list[AttendanceReader] = []


def attendance_reader_register(reader: AttendanceReader) -> None:
    """Set where attendance comes from (called once, by the activities app at start-up)."""
    _readers[:] = [reader]


@dataclass
class ServiceRecord:
    year: int
    rows: list = field(default_factory=list)  # attendances, checked out, oldest first

    @property
    def activities(self) -> int:
        return len(self.rows)

    @property
    def minutes(self) -> int:
        return sum(c.minutes or 0 for c in self.rows)

    @property
    def hours_label(self) -> str:
        return f"{self.minutes / 60:.1f}"


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def service_rows_between(report_ins: list[ReportIn], start: dt.date, end: dt.date) -> dict[int, list]:
    """Checked-out attendances from `start` to `end` (whole days) while each member was reported in, by report-in id.

    Every checked-out attendance counts, wherever in the district it was: serving is
    serving. Cancelled activities do not count. One read for all the members.
    """
    out: dict[int, list] = {r.pk: [] for r in report_ins}
    if not report_ins or not _readers:
        return out
    lo, hi = _aware(start), _aware(end + dt.timedelta(days=1))
    by_person: dict[int, list] = {}
    for c in _readers[0]({r.person_id for r in report_ins}, lo, hi):
        by_person.setdefault(c.person_id, []).append(c)
    for r in report_ins:
        first = _aware(r.reported_on)
        last = _aware(r.withdrawn_on + dt.timedelta(days=1)) if r.withdrawn_on else hi
        out[r.pk] = [c for c in by_person.get(r.person_id, []) if first <= c.checked_in_at < last]
    return out


def service_record_list(report_ins: list[ReportIn], year: int) -> dict[int, ServiceRecord]:
    """Activities attended and minutes served in `year` while each member was reported in, by report-in id."""
    rows = service_rows_between(report_ins, dt.date(year, 1, 1), dt.date(year, 12, 31))
    return {pk: ServiceRecord(year, found) for pk, found in rows.items()}


def service_record_get(report_in: ReportIn, year: int) -> ServiceRecord:
    return service_record_list([report_in], year)[report_in.pk]


def report_in_list_of_unit(unit: Organization, start: dt.date, end: dt.date) -> QuerySet[ReportIn]:
    """The party members of `unit` reported in to a community at some time in [start, end].

    A member belongs to the unit when their home party organisation is the unit itself (a party
    organisation that is a member of an alliance), one registered under it (`parent` is the
    unit), or, for a home branch not in the system, when the unit's name was written as it is.
    """
    return (
        ReportIn.objects.filter(
            Q(home_branch=unit)
            | Q(home_branch__parent=unit)
            | Q(home_branch__isnull=True, home_unit_name=unit.name),
            reported_on__lte=end,
        )
        .exclude(withdrawn_on__lt=start)
        .select_related("person", "community", "home_branch")
        .order_by("community__code", "reported_on", "pk")
    )


def service_post_list_open(community: Region) -> QuerySet[ServicePost]:
    """The posts a member reporting in to `community` can take."""
    return ServicePost.objects.filter(community=community, is_active=True)


def project_list_open(community: Region) -> QuerySet[Project]:
    """The projects of `community` a reported-in member can join."""
    return Project.objects.filter(need__community=community, status=ProjectStatus.ONGOING)


def party_membership_get(person: Person) -> PartyMembership | None:
    """The person's party membership (with the home branch), or None for someone who is not a member."""
    return PartyMembership.objects.filter(person=person).select_related("home_branch").first()


def report_in_get_active(person: Person) -> ReportIn | None:
    """Where the person is reported in now, if anywhere."""
    return ReportIn.objects.filter(person=person, status=ReportInStatus.ACTIVE).first()

"""Reads of report-in: what reported-in members did, from the check-in records."""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from jiceng.alliance.models import ReportIn


@dataclass
class ServiceRecord:
    year: int
    rows: list = field(default_factory=list)  # CheckIn rows, checked out, oldest first

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


def service_records(report_ins: list[ReportIn], year: int) -> dict[int, ServiceRecord]:
    """Activities attended and minutes served in `year` while each member was reported in, in one query.

    Every checked-out attendance counts, wherever in the district it was: serving is
    serving. Cancelled activities do not count.
    """
    from jiceng.activities.models import ActivityStatus, CheckIn

    out = {r.pk: ServiceRecord(year) for r in report_ins}
    if not report_ins:
        return out
    start, end = _aware(dt.date(year, 1, 1)), _aware(dt.date(year + 1, 1, 1))
    rows = (
        CheckIn.objects.filter(
            person_id__in={r.person_id for r in report_ins},
            checked_out_at__isnull=False,
            checked_in_at__gte=start,
            checked_in_at__lt=end,
        )
        .exclude(activity__status=ActivityStatus.CANCELLED)
        .select_related("activity")
        .order_by("checked_in_at", "pk")
    )
    by_person: dict[int, list] = {}
    for c in rows:
        by_person.setdefault(c.person_id, []).append(c)
    for r in report_ins:
        first = _aware(r.reported_on)
        last = _aware(r.withdrawn_on + dt.timedelta(days=1)) if r.withdrawn_on else end
        out[r.pk].rows = [c for c in by_person.get(r.person_id, []) if first <= c.checked_in_at < last]
    return out


def service_record(report_in: ReportIn, year: int) -> ServiceRecord:
    return service_records([report_in], year)[report_in.pk]

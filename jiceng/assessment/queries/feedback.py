"""The feedback sheet (反馈单) of a final unit run: one per resident unit, for its superior party organisation.

Per unit: its total, grade and rank, each indicator's value and points, and the unit's
reported-in party members with what they served in the period (alliance's report-in reads).
"""

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from jiceng.alliance.queries.report_in import report_in_list_of_unit, service_record_list
from jiceng.assessment.models import AssessmentRun, Score
from jiceng.assessment.queries.runs import computation_of
from jiceng.orgs.models import Organization


@dataclass
class FeedbackLine:
    name: str
    value: Decimal | None
    unit: str
    points: Decimal
    max_points: Decimal
    description: str = ""  # what the computation counts, so the unit can check its figure


@dataclass
class MemberService:
    report_in: object  # alliance.ReportIn
    rows: list = field(default_factory=list)  # checked-out attendances in the period, oldest first

    @property
    def activities(self) -> int:
        return len(self.rows)

    @property
    def minutes(self) -> int:
        return sum(c.minutes or 0 for c in self.rows)

    @property
    def hours(self) -> Decimal:
        return (Decimal(self.minutes) / 60).quantize(Decimal("0.1"))


@dataclass
class Feedback:
    score: Score
    unit: Organization
    recipient: Organization  # the unit's superior party organisation, or the unit itself
    subjects: int  # how many units the run ranked
    lines: list[FeedbackLine]
    members: list[MemberService]


def _members(unit: Organization, start: dt.date, end: dt.date) -> list[MemberService]:
    report_ins = list(report_in_list_of_unit(unit, start, end))
    out = {r.pk: MemberService(r) for r in report_ins}
    for year in range(start.year, end.year + 1):
        for pk, record in service_record_list(report_ins, year).items():
            out[pk].rows += [
                c for c in record.rows if start <= timezone.localtime(c.checked_in_at).date() <= end
            ]
    return list(out.values())


def feedback_list(run: AssessmentRun, scores) -> list[Feedback]:
    """The feedback of each unit score among `scores` (already scoped to the reader), by rank."""
    scores = (
        scores.filter(run=run, organization__isnull=False)
        .select_related("organization__parent", "organization__region")
        .prefetch_related("lines__indicator")
        .order_by("rank", "subject_name")
    )
    count = run.scores.count()
    out = []
    for score in scores:
        unit = score.organization
        lines = []
        for line in sorted(score.lines.all(), key=lambda ln: ln.indicator.position):
            comp = computation_of(line.indicator.code)
            lines.append(
                FeedbackLine(
                    line.indicator.name,
                    line.value,
                    comp.unit if comp else "",
                    line.points,
                    line.indicator.max_points,
                    comp.description if comp else "",
                )
            )
        out.append(
            Feedback(
                score=score,
                unit=unit,
                recipient=unit.parent or unit,
                subjects=count,
                lines=lines,
                members=_members(unit, run.period_start, run.period_end),
            )
        )
    return out

"""The yearly promotion run: seniority steps (and early steps for two excellent years), idempotent per year."""

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.core.audit import audit
from jiceng.regions.models import Region
from jiceng.workforce.models import PASSING, AssessmentResult, Cause, CommunityWorker, GradeChange, Result
from jiceng.workforce.queries.grades import grade_of
from jiceng.workforce.queries.settings import settings_get
from jiceng.workforce.services.workers import grade_step_append


@dataclass
class PromotionLine:
    worker: CommunityWorker
    grade_before: int
    grade_after: int
    reason: str

    @property
    def moved(self) -> bool:
        return self.grade_after > self.grade_before


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _label(result: str | None) -> str:
    return str(Result(result).label) if result else _("未登记")


def _line(worker: CommunityWorker, steps: list[GradeChange], before: int, reason: str) -> PromotionLine:
    """The year's line from its own steps, as they were recorded: a qualification or correction
    recorded later moves the worker's grade, not what this year's promotion did."""
    if not steps:
        return PromotionLine(worker, before, before, reason)
    return PromotionLine(worker, steps[0].grade_after - steps[0].delta, steps[-1].grade_after, reason)


@transaction.atomic
def promotion_run(*, actor, district: Region, year: int, region: Region | None = None) -> list[PromotionLine]:
    """Append the year's seniority and assessment steps and return the promotion list (who moves and why).

    A grade step of the year takes effect on 1 January of the next. Running the same year again appends
    nothing and returns the same list: the steps already appended are read back.
    """
    settings = settings_get(district, year)
    effective = dt.date(year + 1, 1, 1)
    workers = CommunityWorker.objects.filter(district=district, hired_on__lt=effective, left_on__isnull=True)
    if region is not None:
        workers = workers.filter(region.subtree_q("community"))
    workers = list(workers.select_related("person", "community").select_for_update(of=("self",)))
    results = {
        (r.worker_id, r.year): r.result
        for r in AssessmentResult.objects.filter(worker__in=workers, year__in=[year - 1, year])
    }
    changes: dict[int, list[GradeChange]] = {}
    for c in GradeChange.objects.filter(worker__in=workers).order_by("effective_on", "id"):
        changes.setdefault(c.worker_id, []).append(c)
    lines = []
    for worker in workers:
        mine = changes.get(worker.pk, [])
        done = [c for c in mine if c.year == year and c.cause in (Cause.SENIORITY, Cause.ASSESSMENT)]
        before = grade_of(worker, settings, on=effective - dt.timedelta(days=1))
        if done:
            lines.append(_line(worker, done, before, "；".join(c.note for c in done)))
            continue
        result, previous = results.get((worker.pk, year)), results.get((worker.pk, year - 1))
        seniority = [c for c in mine if c.cause == Cause.SENIORITY]
        anchor = seniority[-1].effective_on if seniority else worker.hired_on
        due = _years_later(anchor, settings.promotion_years) <= effective
        low, high = settings.range_of(worker.post)
        reasons, steps = [], []
        if due and result in PASSING:
            note = _("任职满 %(n)d 年，%(y)d 年度考核%(r)s") % {
                "n": settings.promotion_years,
                "y": year,
                "r": _label(result),
            }
            if step := grade_step_append(
                worker=worker, cause=Cause.SENIORITY, delta=1, on=effective, year=year, note=note, actor=actor
            ):
                reasons.append(note)
                steps.append(step)
            else:
                reasons.append(_("已到岗位最高级（%(h)d 级）") % {"h": high})
        elif due:
            reasons.append(
                _("任职已满 %(n)d 年，但 %(y)d 年度考核%(r)s，暂缓晋级")
                % {"n": settings.promotion_years, "y": year, "r": _label(result)}
            )
        if result == Result.EXCELLENT and previous == Result.EXCELLENT:
            early_last_year = any(c.cause == Cause.ASSESSMENT and c.year == year - 1 for c in mine)
            if not early_last_year:
                note = _("连续两年考核优秀，提前晋升一级")
                if step := grade_step_append(
                    worker=worker,
                    cause=Cause.ASSESSMENT,
                    delta=1,
                    on=effective,
                    year=year,
                    note=note,
                    actor=actor,
                ):
                    reasons.append(note)
                    steps.append(step)
        if reasons:
            lines.append(_line(worker, steps, before, "；".join(reasons)))
    moved = sum(1 for line in lines if line.moved)
    audit(actor, "workforce.promotion_run", district, after={"year": year, "moved": moved})
    lines.sort(key=lambda line: (not line.moved, line.worker.community.code, line.worker.person.name))
    return lines

"""Reads of workers: the scoped list with derived grades, one worker's history, a worker's own record."""

import datetime as dt
from dataclasses import dataclass

from django.db.models import QuerySet

from jiceng.core.scope import scoped
from jiceng.workforce.models import CommunityWorker, Level, PaySheetRow, SheetStatus
from jiceng.workforce.queries.grades import grade_clamp, grade_of, grades_of, qualification_highest
from jiceng.workforce.queries.settings import settings_get

ADMINS = ("district_admin", "subdistrict_admin")


def worker_list_for(user, *, include_left: bool = False) -> QuerySet:
    """Workers of the administrator's region (district or subdistrict), newest community order."""
    qs = CommunityWorker.objects.select_related("person", "community", "community__parent")
    if not include_left:
        qs = qs.filter(left_on__isnull=True)
    return scoped(user, qs, region="community", roles=ADMINS)


@dataclass
class WorkerLine:
    worker: CommunityWorker
    grade: int
    level: str | None

    @property
    def level_label(self) -> str:
        return str(Level(self.level).label) if self.level else ""


def worker_lines(workers: list[CommunityWorker], year: int) -> list[WorkerLine]:
    if not workers:
        return []
    settings = settings_get(workers[0].district_id, year)
    grades = grades_of(workers, settings)
    levels = qualification_highest([w.pk for w in workers])
    return [WorkerLine(w, grades[w.pk], levels.get(w.pk)) for w in workers]


@dataclass
class WorkerRecord:
    worker: CommunityWorker
    grade: int
    grade_range: tuple[int, int]
    events: list
    changes: list
    qualifications: list
    assessments: list
    slips: list


def worker_record_get(worker: CommunityWorker, *, slips_approved_only: bool = True) -> WorkerRecord:
    """Everything of one worker's record: placements, grade history, qualifications, results and pay slips."""
    today = dt.date.today()
    settings = settings_get(worker.district_id, today.year)
    slips = (
        PaySheetRow.objects.filter(worker=worker)
        .select_related("sheet")
        .order_by("-sheet__year", "-sheet__month")
    )
    if slips_approved_only:
        slips = slips.filter(sheet__status=SheetStatus.APPROVED)
    return WorkerRecord(
        worker=worker,
        grade=grade_of(worker, settings),
        grade_range=settings.range_of(worker.post),
        events=list(worker.events.select_related("community").order_by("on", "id")),
        changes=_running(worker, settings),
        qualifications=list(worker.qualifications.all()),
        assessments=list(worker.assessments.order_by("-year")),
        slips=list(slips[:24]),
    )


def _running(worker: CommunityWorker, settings) -> list[tuple]:
    """Grade changes in the order they take effect, each with the grade it leaves the worker at."""
    out, steps = [], 0
    for change in worker.grade_changes.order_by("effective_on", "id"):
        steps += change.delta
        out.append((change, grade_clamp(worker.post, steps, settings)))
    return out


def worker_of_user(user) -> CommunityWorker | None:
    """The requester's own worker record (through their login or the person it belongs to)."""
    if not getattr(user, "is_authenticated", False):
        return None
    qs = CommunityWorker.objects.select_related("person", "community")
    own = qs.filter(user=user).first()
    if own is None and user.person_id:
        own = qs.filter(person_id=user.person_id).first()
    return own

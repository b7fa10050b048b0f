"""The derived grade: the bottom of the post's range plus the steps of grade changes, kept within the range."""

import datetime as dt

from django.db.models import Sum

from jiceng.workforce.models import LEVEL_RANK, CommunityWorker, GradeChange, Qualification, WorkforceSettings


def grade_clamp(post: str, steps: int, settings: WorkforceSettings) -> int:
    low, high = settings.range_of(post)
    return max(low, min(high, low + steps))


def grade_steps(worker: CommunityWorker, on: dt.date | None = None) -> int:
    qs = GradeChange.objects.filter(worker=worker)
    if on is not None:
        qs = qs.filter(effective_on__lte=on)
    return qs.aggregate(s=Sum("delta"))["s"] or 0


def grade_of(worker: CommunityWorker, settings: WorkforceSettings, on: dt.date | None = None) -> int:
    """The worker's grade on a date (every recorded change when `on` is None)."""
    return grade_clamp(worker.post, grade_steps(worker, on), settings)


def grades_of(workers, settings: WorkforceSettings, on: dt.date | None = None) -> dict[int, int]:
    """The grades of many workers at once, by worker id (one query)."""
    ids = [w.pk for w in workers]
    qs = GradeChange.objects.filter(worker_id__in=ids)
    if on is not None:
        qs = qs.filter(effective_on__lte=on)
    steps = dict(qs.values("worker_id").annotate(s=Sum("delta")).values_list("worker_id", "s"))
    return {w.pk: grade_clamp(w.post, steps.get(w.pk, 0), settings) for w in workers}


def qualification_highest(worker_ids, on: dt.date | None = None) -> dict[int, str]:
    """The highest qualification level of each worker (held on `on`), by worker id."""
    qs = Qualification.objects.filter(worker_id__in=worker_ids)
    if on is not None:
        qs = qs.filter(issued_on__lte=on)
    best: dict[int, str] = {}
    for wid, level in qs.values_list("worker_id", "level"):
        if wid not in best or LEVEL_RANK[level] > LEVEL_RANK[best[wid]]:
            best[wid] = level
    return best

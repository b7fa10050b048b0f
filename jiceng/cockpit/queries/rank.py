"""The assessment rank tile: each region's place in the latest final run of its level's scheme.

A run is final as the notices take it (`assessment.services.sanctions.sanctions_from_run`): published,
its objection period over, every objection rejected or resolved by a later version, and no later
version of the same scheme and period. Subdistricts are ranked among subdistricts, communities among
communities; the district itself has no rank in its own assessment.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from jiceng.assessment.models import AssessmentRun, ObjectionState, RunObjection, Score, SubjectType
from jiceng.regions.models import Level, Region

SUBJECT_OF_LEVEL = {Level.SUBDISTRICT: SubjectType.SUBDISTRICT, Level.COMMUNITY: SubjectType.COMMUNITY}


@dataclass
class Rank:
    score_id: int
    run: AssessmentRun
    total: object
    grade: str
    rank: int
    peers: int


def final_run_latest(district: Region, subject_type: str, today: dt.date) -> AssessmentRun | None:
    """The latest final run of the district's schemes for `subject_type`, or None."""
    later = AssessmentRun.objects.filter(
        scheme=OuterRef("scheme"),
        period_start=OuterRef("period_start"),
        period_end=OuterRef("period_end"),
        version__gt=OuterRef("version"),
    )
    unsettled = (
        RunObjection.objects.filter(line__score__run=OuterRef("pk"))
        .exclude(state=ObjectionState.REJECTED)
        .filter(resolved_by_run=None)
    )
    return (
        AssessmentRun.objects.filter(
            scheme__district=district,
            scheme__subject_type=subject_type,
            publication__closes_on__lt=today,
        )
        .exclude(Exists(later))
        .exclude(Exists(unsettled))
        .select_related("scheme")
        .order_by("-period_end", "-computed_at", "-pk")
        .first()
    )


def rank_by_region(regions: list[Region], *, today: dt.date | None = None) -> dict[int, Rank]:
    """Region id → its rank in the latest final run of its level, for the regions that have one."""
    today = today or timezone.localdate()
    out: dict[int, Rank] = {}
    if not regions:
        return out
    district = Region.objects.get(code=regions[0].district_code)
    for level, subject_type in SUBJECT_OF_LEVEL.items():
        mine = [r for r in regions if r.level == level]
        if not mine:
            continue
        run = final_run_latest(district, subject_type, today)
        if run is None:
            continue
        peers = run.scores.filter(region__isnull=False).aggregate(n=Count("id"))["n"]
        for s in Score.objects.filter(Q(region__in=mine), run=run):
            out[s.region_id] = Rank(s.pk, run, s.total, s.get_grade_display(), s.rank, peers)
    return out

"""Task indicators: tasks issued down to the subject, done on time, late or missed."""

from django.db.models import Q

from jiceng.assessment.catalogue.registry import Result, Subtrees, batch_of, computation, ids, share
from jiceng.linkage.models import Assignment
from jiceng.linkage.queries.assignments import outcome_counts_by_region
from jiceng.regions.models import Region


def _due(q, start, end):
    return Assignment.objects.filter(q, parent__isnull=False, deadline__gte=start, deadline__lte=end)


def _share(counts, rows) -> Result:
    if not counts:
        return Result(None)
    due = counts["on_time"] + counts["late"] + counts["missed"]
    return Result(share(counts["on_time"], due), ids("linkage.Assignment", rows))


@computation(
    code="linkage.on_time",
    name="上级交办任务按期完成率",
    description="交办给本单位、完成期限落在考核期内的任务（不含仍在期限内的）中按期完成的比例；"
    "逾期完成和逾期未完成都不算按期，期限在考核期外的任务不计",
    unit="%",
    floor=60,
    target=100,
)
def on_time(region: Region, start, end) -> Result:
    counts = outcome_counts_by_region(region, due=(start, end)).get(region.pk)
    return _share(counts, _due(Q(region=region), start, end).values_list("pk", flat=True))


@batch_of("linkage.on_time")
def on_time_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    # the counts are per recipient region (not its subtree): one walk of the district's task trees
    tree = Subtrees(subjects)
    counts: dict[int, dict[str, int]] = {}
    for district in Region.objects.filter(code__in=tree.districts):
        counts.update(outcome_counts_by_region(district, due=(start, end)))
    rows: dict[int, list[int]] = {s.pk: [] for s in subjects}
    for pk, region_id in _due(Q(region__in=subjects), start, end).values_list("pk", "region_id"):
        rows[region_id].append(pk)
    return {s.pk: _share(counts.get(s.pk), rows[s.pk]) for s in subjects}

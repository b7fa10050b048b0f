"""Task indicators: tasks issued down to the subject, done on time, late or missed."""

from jiceng.assessment.catalogue.registry import Result, computation, ids, share
from jiceng.linkage.models import Assignment
from jiceng.linkage.queries.assignments import outcome_counts_by_region
from jiceng.regions.models import Region


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
    rows = Assignment.objects.filter(
        region=region, parent__isnull=False, deadline__gte=start, deadline__lte=end
    ).values_list("pk", flat=True)
    if not counts:
        return Result(None)
    due = counts["on_time"] + counts["late"] + counts["missed"]
    return Result(share(counts["on_time"], due), ids("linkage.Assignment", rows))

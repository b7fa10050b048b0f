"""Community-worker indicators, read from the workforce app's staffing report at the period's end."""

from decimal import Decimal

from jiceng.assessment.catalogue.registry import Result, computation, ids
from jiceng.regions.models import Region
from jiceng.workforce.queries.staffing import staffing_report, worker_placement_on


def _workers(region: Region, end) -> list[tuple[str, int]]:
    """The workers the staffing report counts: those in post in the region on the period's last day."""
    return ids("workforce.CommunityWorker", worker_placement_on(region, end))


@computation(
    code="workforce.per_10k",
    name="每万名居民社区工作者配备数",
    description="考核期最后一天在岗（已入职、未离职，按当天所在社区）的社区工作者人数，"
    "按辖区在册居民每万人计（工作者队伍台账的配备口径），与区定目标比较",
    unit="人/万人",
    floor=0,
    target=18,
)
def per_10k(region: Region, start, end) -> Result:
    line = staffing_report(region, end.year, on=end).total
    if not line.residents:
        return Result(None)
    return Result(Decimal(str(line.per_10k)), _workers(region, end))


@computation(
    code="workforce.qualified",
    name="社区工作者持证比例",
    description="考核期最后一天在岗的社区工作者中，当天已取得社会工作者职业资格证书的比例",
    unit="%",
    floor=0,
    target=60,
)
def qualified(region: Region, start, end) -> Result:
    line = staffing_report(region, end.year, on=end).total
    if not line.workers:
        return Result(None)
    return Result(
        (Decimal(line.qualified) * 100 / line.workers).quantize(Decimal("0.1")), _workers(region, end)
    )

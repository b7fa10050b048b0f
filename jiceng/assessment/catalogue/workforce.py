"""Community-worker indicators, read from the workforce app's staffing report."""

from decimal import Decimal

from jiceng.assessment.catalogue.registry import Result, computation, ids
from jiceng.regions.models import Region
from jiceng.workforce.models import CommunityWorker
from jiceng.workforce.queries.staffing import staffing_report


def _workers(region: Region) -> list[tuple[str, int]]:
    """The workers the staffing report counts: those in post now (no leaving date)."""
    rows = CommunityWorker.objects.filter(region.subtree_q("community"), left_on__isnull=True).values_list(
        "pk", flat=True
    )
    return ids("workforce.CommunityWorker", rows)


@computation(
    code="workforce.per_10k",
    name="每万名居民社区工作者配备数",
    description="当前在岗（未登记离职）社区工作者人数，按辖区在册居民每万人计（工作者队伍台账的配备口径），与区定目标比较",
    unit="人/万人",
    floor=0,
    target=18,
)
def per_10k(region: Region, start, end) -> Result:
    line = staffing_report(region, end.year).total
    if not line.residents:
        return Result(None)
    return Result(Decimal(str(line.per_10k)), _workers(region))


@computation(
    code="workforce.qualified",
    name="社区工作者持证比例",
    description="当前在岗社区工作者中持有社会工作者职业资格证书的比例",
    unit="%",
    floor=0,
    target=60,
)
def qualified(region: Region, start, end) -> Result:
    line = staffing_report(region, end.year).total
    if not line.workers:
        return Result(None)
    return Result((Decimal(line.qualified) * 100 / line.workers).quantize(Decimal("0.1")), _workers(region))

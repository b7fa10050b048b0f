"""Funding indicators: social organisations under contract, and budget execution."""

from decimal import Decimal

from jiceng.assessment.catalogue.registry import Result, computation, ids
from jiceng.funding.models import Expense, PurchasedService
from jiceng.funding.queries.funds import region_figures
from jiceng.orgs.models import Kind
from jiceng.regions.models import Region


@computation(
    code="funding.social_org",
    name="购买服务的社会组织",
    description="考核期内与辖区（本级或下属社区）签订了购买服务合同、合同期与考核期重叠的不同社会组织个数（目标每街道至少1个）",
    unit="个",
    subjects=("subdistrict",),
    floor=0,
    target=1,
)
def social_org(region: Region, start, end) -> Result:
    rows = list(
        PurchasedService.objects.filter(
            region.subtree_q("buyer"), provider__kind=Kind.SOCIAL, starts_on__lte=end, ends_on__gte=start
        ).values_list("pk", "provider_id")
    )
    return Result(len({p for _pk, p in rows}), ids("funding.PurchasedService", [pk for pk, _p in rows]))


@computation(
    code="funding.execution",
    name="经费执行率",
    description="考核年度辖区经费预算（本级及下级预算加上级下拨）中已支出（净额）的比例",
    unit="%",
    floor=0,
    target=90,
)
def execution(region: Region, start, end) -> Result:
    fig = region_figures([region], year=end.year)[0]
    if fig.execution_rate is None:
        return Result(None)
    rows = Expense.objects.filter(region.subtree_q("budget__region"), budget__year=end.year).values_list(
        "pk", flat=True
    )
    return Result(Decimal(fig.execution_rate), ids("funding.Expense", rows))

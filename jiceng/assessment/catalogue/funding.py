"""Funding indicators: social organisations under contract, and budget execution."""

from decimal import Decimal

from jiceng.assessment.catalogue.registry import Result, Subtrees, batch_of, computation, ids
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
    return _providers(_contracts(region.subtree_q("buyer"), start, end))


def _contracts(q, start, end, *extra) -> list[tuple]:
    return list(
        PurchasedService.objects.filter(
            q, provider__kind=Kind.SOCIAL, starts_on__lte=end, ends_on__gte=start
        ).values_list("pk", "provider_id", *extra)
    )


def _providers(rows) -> Result:
    return Result(len({p for _pk, p in rows}), ids("funding.PurchasedService", [pk for pk, _p in rows]))


@batch_of("funding.social_org")
def social_org_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    tree = Subtrees(subjects)
    rows = tree.spread(_contracts(tree.within("buyer"), start, end, "buyer"))
    return {pk: _providers(r) for pk, r in rows.items()}


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


@batch_of("funding.execution")
def execution_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    # region_figures sums each table once, grouped by region code, whatever the number of regions
    tree = Subtrees(subjects)
    figures = region_figures(subjects, year=end.year)
    rows = tree.spread(
        Expense.objects.filter(tree.within("budget__region"), budget__year=end.year).values_list(
            "pk", "budget__region"
        )
    )
    return {
        s.pk: Result(None)
        if fig.execution_rate is None
        else Result(Decimal(fig.execution_rate), ids("funding.Expense", [pk for (pk,) in rows[s.pk]]))
        for s, fig in zip(subjects, figures, strict=True)
    }

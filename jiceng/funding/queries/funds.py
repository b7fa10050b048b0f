"""Reads of funds: what a line holds, and the figures of a region and its children.

Every figure is summed from allocations and expenses; nothing is typed or cached. A region's
figures cover its whole subtree through `region.subtree_q`, one aggregate query per table
with one filtered sum per child region.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from jiceng.core.scope import scoped
from jiceng.funding.models import Allocation, Budget, BudgetKind, Expense, Milestone
from jiceng.people.models import Person
from jiceng.regions.models import Region

ZERO = Decimal("0.00")


def _sum(qs: QuerySet, field: str = "amount") -> Decimal:
    return qs.aggregate(s=Coalesce(Sum(field), Value(ZERO), output_field=DecimalField()))["s"]


def budget_holds(line: Budget) -> Decimal:
    """What a line can still pass down or spend: own + allocated in − allocated out − spent."""
    return (
        line.amount
        + _sum(Allocation.objects.filter(target=line))
        - _sum(Allocation.objects.filter(source=line))
        - _sum(Expense.objects.filter(budget=line))
    )


def budget_list_for(user, *, year: int) -> QuerySet[Budget]:
    return scoped(user, Budget.objects.select_related("region"), region="region").filter(year=year)


def expense_list_for(user, *, year: int) -> QuerySet[Expense]:
    """Expenses of the year in the user's scope, each marked reversed or a milestone's payment."""
    return (
        scoped(user, Expense.objects.select_related("budget__region"), region="budget__region")
        .filter(budget__year=year)
        .annotate(
            is_reversed=Exists(Expense.objects.filter(reverses=OuterRef("pk"))),
            is_milestone=Exists(Milestone.objects.filter(expense=OuterRef("pk"))),
        )
    )


@dataclass
class Figures:
    region: Region
    budget: Decimal = ZERO  # own appropriations in the subtree + what came in from above it
    allocated: Decimal = ZERO  # passed down out of the region's own lines
    spent: Decimal = ZERO  # net expenses anywhere in the subtree
    service_spent: Decimal = ZERO  # of which from 服务群众专项经费
    residents: int = 0

    @property
    def execution_rate(self) -> Decimal | None:
        return (self.spent / self.budget * 100).quantize(Decimal("0.1")) if self.budget else None

    @property
    def per_resident(self) -> Decimal | None:
        return (self.spent / self.residents).quantize(Decimal("0.01")) if self.residents else None

    @property
    def service_share(self) -> Decimal | None:
        return (self.service_spent / self.spent * 100).quantize(Decimal("0.1")) if self.spent else None

    def as_json(self) -> dict:
        return {
            "region": self.region.code,
            "budget": str(self.budget),
            "allocated": str(self.allocated),
            "spent": str(self.spent),
            "execution_rate": str(self.execution_rate) if self.execution_rate is not None else None,
            "per_resident": str(self.per_resident) if self.per_resident is not None else None,
            "service_share": str(self.service_share) if self.service_share is not None else None,
        }


def _money_sums(qs: QuerySet, path: str, regions: list[Region], extra: dict | None = None) -> dict:
    """One query: for each region, the sum of `amount` over rows in its subtree (plus extra filters)."""
    aggs = {}
    for i, r in enumerate(regions):
        aggs[f"r{i}"] = Coalesce(
            Sum("amount", filter=r.subtree_q(path)), Value(ZERO), output_field=DecimalField()
        )
        for name, q in (extra or {}).items():
            aggs[f"r{i}_{name}"] = Coalesce(
                Sum("amount", filter=r.subtree_q(path) & q), Value(ZERO), output_field=DecimalField()
            )
    return qs.aggregate(**aggs) if aggs else {}


def region_figures(regions: list[Region], *, year: int) -> list[Figures]:
    """Figures of each region (its whole subtree), in five aggregate queries whatever their number."""
    if not regions:
        return []
    own = _money_sums(Budget.objects.filter(year=year), "region", regions)
    spent = _money_sums(
        Expense.objects.filter(budget__year=year),
        "budget__region",
        regions,
        {"service": Q(budget__kind=BudgetKind.SERVICE)},
    )
    allocs = Allocation.objects.filter(source__year=year)
    aggs = {}
    for i, r in enumerate(regions):
        outside = ~r.subtree_q("source__region")
        aggs[f"in{i}"] = Coalesce(
            Sum("amount", filter=r.subtree_q("target__region") & outside),
            Value(ZERO),
            output_field=DecimalField(),
        )
        aggs[f"out{i}"] = Coalesce(
            Sum("amount", filter=Q(source__region=r)), Value(ZERO), output_field=DecimalField()
        )
    flows = allocs.aggregate(**aggs)
    people = Person.objects.filter(is_active=True).aggregate(
        **{f"p{i}": Count("id", filter=r.subtree_q("community")) for i, r in enumerate(regions)}
    )
    return [
        Figures(
            region=r,
            budget=own[f"r{i}"] + flows[f"in{i}"],
            allocated=flows[f"out{i}"],
            spent=spent[f"r{i}"],
            service_spent=spent[f"r{i}_service"],
            residents=people[f"p{i}"],
        )
        for i, r in enumerate(regions)
    ]


def funds_overview(region: Region, *, year: int) -> tuple[Figures, list[Figures]]:
    """The region's own figures and one row per child region."""
    children = list(Region.objects.filter(parent=region, is_active=True).order_by("code"))
    rows = region_figures([region, *children], year=year)
    return rows[0], rows[1:]


def line_holdings(region: Region, *, year: int) -> list[tuple[Budget, Decimal]]:
    """The region's own lines of the year with what each still holds."""
    return [
        (line, budget_holds(line))
        for line in Budget.objects.filter(region=region, year=year).order_by("kind")
    ]

"""Reads of funds: what a line holds, and the figures of a region and its children.

Every figure is summed from budget lines, allocations and expenses; nothing is typed or cached.
A region's figures cover its whole subtree through `region.subtree_q`: each table is summed once,
grouped by region code, and each region adds up the groups under its code prefix.
"""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, DecimalField, Exists, OuterRef, Q, QuerySet, Sum, Value
from django.db.models.functions import Coalesce

from jiceng.core.scope import scoped
from jiceng.funding.models import Allocation, Budget, BudgetKind, Expense, Milestone
from jiceng.people.models import Person
from jiceng.regions.models import Level, Region

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
        scoped(
            user,
            Expense.objects.select_related("budget__region", "pay_sheet__subdistrict"),
            region="budget__region",
        )
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


def _residents(regions: list[Region]) -> dict[str, int]:
    """Active residents per community code under any of `regions`: one GROUP BY on the indexed
    community column, so the per-region sums are additions over a few hundred rows."""
    in_any = Q(pk__in=[])
    for r in regions:
        in_any |= r.subtree_q()
    codes = dict(Region.objects.filter(in_any, level=Level.COMMUNITY).values_list("id", "code"))
    counts = (
        Person.objects.filter(is_active=True, community_id__in=list(codes))
        .values_list("community_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {codes[community_id]: n for community_id, n in counts}


def _under(code: str, r: Region) -> bool:
    return code.startswith(r.prefix)


def region_figures(
    regions: list[Region], *, year: int, residents: dict[str, int] | None = None
) -> list[Figures]:
    """Figures of each region (its whole subtree), in four grouped queries whatever their number.

    Each table is summed once, grouped by region code (and kind, or source and target), over the
    subtrees of all `regions` (`subtree_q`); the per-region totals are then additions over those
    groups, a few thousand rows at most, instead of one scan per region. `residents` (active residents
    per community code) is given by a caller that has counted them already (the cockpit's roll-up).
    """
    if not regions:
        return []
    in_any = {"region": Q(pk__in=[]), "budget__region": Q(pk__in=[]), "target__region": Q(pk__in=[])}
    # A region inside another of the list adds nothing to the filter (the cockpit's children).
    outer = [
        r for r in regions if not any(o.prefix != r.prefix and r.code.startswith(o.prefix) for o in regions)
    ]
    for r in dict.fromkeys(outer):
        for path in in_any:
            in_any[path] |= r.subtree_q(path)
    own = list(
        Budget.objects.filter(in_any["region"], year=year)
        .values_list("region__code")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    spent = list(
        Expense.objects.filter(in_any["budget__region"], budget__year=year)
        .values_list("budget__region__code", "budget__kind")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    flows = list(
        Allocation.objects.filter(in_any["target__region"], source__year=year)
        .values_list("source__region__code", "target__region__code")
        .annotate(s=Sum("amount"))
        .order_by()
    )
    people = residents if residents is not None else _residents(regions)
    # Each group is added once under every prefix length in use: a region's sum is then the bucket of
    # its own prefix (a code is under a region exactly when it starts with the region's prefix).
    cuts = {len(r.prefix) for r in regions}

    def by_prefix(pairs) -> Counter:
        out = Counter()
        for code, v in pairs:
            for cut in cuts:
                out[code[:cut]] += v
        return out

    own_at = by_prefix(own)
    spent_at = by_prefix((code, v) for code, _kind, v in spent)
    service_at = by_prefix((code, v) for code, kind, v in spent if kind == BudgetKind.SERVICE)
    people_at = by_prefix(people.items())
    rows = []
    for r in regions:
        f = Figures(region=r)
        f.budget = own_at.get(r.prefix, ZERO)
        f.budget += sum((v for src, dst, v in flows if _under(dst, r) and not _under(src, r)), ZERO)
        f.allocated = sum((v for src, _dst, v in flows if src == r.code), ZERO)
        f.spent = spent_at.get(r.prefix, ZERO)
        f.service_spent = service_at.get(r.prefix, ZERO)
        f.residents = people_at.get(r.prefix, 0)
        rows.append(f)
    return rows


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

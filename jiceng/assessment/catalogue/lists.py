"""Three-lists indicators: residents' needs resolved, how fast, and their ratings."""

import statistics
from decimal import Decimal

from jiceng.alliance.models import Need, NeedStatus
from jiceng.assessment.catalogue.registry import (
    Result,
    Subtrees,
    batch_of,
    computation,
    ids,
    share,
    window,
)
from jiceng.regions.models import Region


def _raised(q, start, end, *extra) -> list[tuple]:
    lo, hi = window(start, end)
    return list(
        Need.objects.filter(q, created_at__gte=lo, created_at__lt=hi)
        .exclude(status=NeedStatus.WITHDRAWN)
        .values_list("pk", "status", *extra)
    )


def _resolved(q, start, end, *fields) -> list[tuple]:
    lo, hi = window(start, end)
    return list(
        Need.objects.filter(
            q, status=NeedStatus.RESOLVED, resolved_at__gte=lo, resolved_at__lt=hi
        ).values_list("pk", *fields)
    )


def _resolved_share(rows) -> Result:
    resolved = sum(1 for _pk, s in rows if s == NeedStatus.RESOLVED)
    return Result(share(resolved, len(rows)), ids("alliance.Need", [pk for pk, _s in rows]))


def _mean_rating(rows) -> Result:
    if not rows:
        return Result(None)
    value = (Decimal(sum(r for _pk, r in rows)) / len(rows)).quantize(Decimal("0.01"))
    return Result(value, ids("alliance.Need", [pk for pk, _r in rows]))


def _median_days(rows) -> Result:
    if not rows:
        return Result(None)
    days = [(resolved - created).total_seconds() / 86400 for _pk, created, resolved in rows]
    value = Decimal(str(statistics.median(days))).quantize(Decimal("0.1"))
    return Result(value, ids("alliance.Need", [pk for pk, _c, _r in rows]))


def _rated(rows) -> list[tuple]:
    return [(pk, r) for pk, r in rows if r is not None]


@computation(
    code="lists.needs_resolved",
    name="群众需求解决率",
    description="考核期内提出的需求清单事项（撤回的不计）中，已解决的比例",
    unit="%",
    floor=50,
    target=100,
)
def needs_resolved(region: Region, start, end) -> Result:
    return _resolved_share(_raised(region.subtree_q("community"), start, end))


@batch_of("lists.needs_resolved")
def needs_resolved_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    tree = Subtrees(subjects)
    rows = tree.spread(_raised(tree.within("community"), start, end, "community"))
    return {pk: _resolved_share(r) for pk, r in rows.items()}


@computation(
    code="lists.needs_rating",
    name="群众对需求办理的满意度",
    description="考核期内解决的需求中，居民给出的满意度评分（1–5分）的平均值；未评价的不计",
    unit="分",
    floor=3,
    target=5,
)
def needs_rating(region: Region, start, end) -> Result:
    return _mean_rating(_rated(_resolved(region.subtree_q("community"), start, end, "rating")))


@batch_of("lists.needs_rating")
def needs_rating_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    tree = Subtrees(subjects)
    rows = tree.spread(_resolved(tree.within("community"), start, end, "rating", "community"))
    return {pk: _mean_rating(_rated(r)) for pk, r in rows.items()}


@computation(
    code="lists.resolution_days",
    name="群众需求办结用时中位数",
    description="考核期内解决的需求清单事项，从提出到解决的天数（按小时折算）的中位数；越短越好",
    unit="天",
    floor=60,
    target=14,
)
def resolution_days(region: Region, start, end) -> Result:
    return _median_days(_resolved(region.subtree_q("community"), start, end, "created_at", "resolved_at"))


@batch_of("lists.resolution_days")
def resolution_days_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    tree = Subtrees(subjects)
    fields = ("created_at", "resolved_at", "community")
    rows = tree.spread(_resolved(tree.within("community"), start, end, *fields))
    return {pk: _median_days(r) for pk, r in rows.items()}

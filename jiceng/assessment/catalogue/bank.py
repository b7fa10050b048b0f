"""Moral Bank indicators."""

import statistics
from collections import Counter
from decimal import Decimal

from django.db.models import Count, Q

from jiceng.assessment.catalogue.registry import (
    Result,
    Subtrees,
    batch_of,
    computation,
    ids,
    share,
    window,
)
from jiceng.bank.models import (
    DeedClaim,
    Notice,
    NoticeState,
    Objection,
    ObjectionState,
    Redemption,
    RedemptionState,
)
from jiceng.people.models import Person
from jiceng.regions.models import Level, Region


def _settled_awards(q, start, end, *fields) -> list[tuple]:
    lo, hi = window(start, end)
    return list(
        Notice.objects.filter(
            q, kind=Notice.Kind.AWARD, state=NoticeState.SETTLED, ends_at__gte=lo, ends_at__lt=hi
        ).values_list("pk", *fields)
    )


def _coverage(notices, communities: int) -> Result:
    covered = {c for _pk, c in notices}
    return Result(share(len(covered), communities), ids("bank.Notice", [pk for pk, _c in notices]))


@computation(
    code="bank.coverage",
    name="道德银行社区覆盖率",
    description="辖区内在考核年度至少有一条积分奖励公示期满入账的社区，占全部有效社区的比例",
    unit="%",
    floor=0,
    target=100,
)
def coverage(region: Region, start, end) -> Result:
    communities = Region.objects.filter(region.subtree_q(), level=Level.COMMUNITY, is_active=True).count()
    return _coverage(_settled_awards(region.subtree_q("community"), start, end, "community_id"), communities)


@batch_of("bank.coverage")
def coverage_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    tree = Subtrees(subjects)
    rows = tree.spread(_settled_awards(tree.within("community"), start, end, "community_id", "community"))
    return {pk: _coverage(r, len(tree.communities(pk))) for pk, r in rows.items()}


def _earners(rows, residents: int) -> Result:
    earners = {p for _pk, p in rows if p is not None}
    value = (Decimal(len(earners)) * 1000 / residents).quantize(Decimal("0.1")) if residents else None
    return Result(value, ids("bank.Notice", [pk for pk, _p in rows]))


@computation(
    code="bank.earners_per_1000",
    name="每千名居民获得积分人数",
    description="考核期内有积分奖励公示期满入账的不同居民人数，按辖区在册居民每千人计",
    unit="人/千人",
    floor=0,
    target=50,
)
def earners_per_1000(region: Region, start, end) -> Result:
    rows = _settled_awards(region.subtree_q("community"), start, end, "claim__claimant_id")
    residents = Person.objects.filter(region.subtree_q("community"), is_active=True).count()
    return _earners(rows, residents)


def residents_by_subject(tree: Subtrees, *, active_communities: bool = False) -> Counter:
    """Active residents in each subject's subtree (by the resident's community), in one grouped query;
    with `active_communities`, only those of active communities (the staffing report's roll)."""
    counts = (
        Person.objects.filter(tree.within("community"), is_active=True)
        .values_list("community")
        .annotate(n=Count("id"))
        .order_by()
    )
    out: Counter = Counter()
    for community_id, n in counts:
        region = tree.regions.get(community_id)
        if active_communities and not (region and region.is_active and region.level == Level.COMMUNITY):
            continue
        for pk in tree.owners.get(community_id, ()):
            out[pk] += n
    return out


@batch_of("bank.earners_per_1000")
def earners_per_1000_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    tree = Subtrees(subjects)
    rows = tree.spread(
        _settled_awards(tree.within("community"), start, end, "claim__claimant_id", "community")
    )
    residents = residents_by_subject(tree)
    return {pk: _earners(r, residents[pk]) for pk, r in rows.items()}


def _decided_claims(q, start, end, *extra) -> list[tuple]:
    lo, hi = window(start, end)
    return list(
        DeedClaim.objects.filter(q, decided_at__gte=lo, decided_at__lt=hi).values_list(
            "pk", "created_at", "decided_at", *extra
        )
    )


def _review_days(rows) -> Result:
    if not rows:
        return Result(None)
    days = [(decided - created).total_seconds() / 86400 for _pk, created, decided in rows]
    value = Decimal(str(statistics.median(days))).quantize(Decimal("0.1"))
    return Result(value, ids("bank.DeedClaim", [pk for pk, _c, _d in rows]))


@computation(
    code="bank.review_days",
    name="积分申报审核用时中位数",
    description="考核期内审核完成的积分申报，从提交到审核完成的天数（按小时折算）的中位数；越短越好",
    unit="天",
    floor=14,
    target=3,
)
def review_days(region: Region, start, end) -> Result:
    return _review_days(_decided_claims(region.subtree_q("community"), start, end))


@batch_of("bank.review_days")
def review_days_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    tree = Subtrees(subjects)
    rows = tree.spread(_decided_claims(tree.within("community"), start, end, "community"))
    return {pk: _review_days(r) for pk, r in rows.items()}


def _decided_objections(q, start, end, *extra) -> list[tuple]:
    lo, hi = window(start, end)
    return list(
        Objection.objects.filter(
            q,
            state__in=[ObjectionState.UPHELD, ObjectionState.DISMISSED],
            decided_at__gte=lo,
            decided_at__lt=hi,
        ).values_list("pk", "state", *extra)
    )


def _upheld(rows) -> Result:
    upheld = sum(1 for _pk, s in rows if s == ObjectionState.UPHELD)
    return Result(share(upheld, len(rows)), ids("bank.Objection", [pk for pk, _s in rows]))


@computation(
    code="bank.objections_upheld",
    name="公示异议成立比例（预警指标）",
    description="考核期内作出决定的公示异议中，异议成立的比例；比例高说明审核把关不严，反向计分",
    unit="%",
    floor=20,
    target=0,
)
def objections_upheld(region: Region, start, end) -> Result:
    return _upheld(_decided_objections(region.subtree_q("notice__community"), start, end))


@batch_of("bank.objections_upheld")
def objections_upheld_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    tree = Subtrees(subjects)
    rows = _decided_objections(tree.within("notice__community"), start, end, "notice__community")
    return {pk: _upheld(r) for pk, r in tree.spread(rows).items()}


def _resolved_redemptions(q, start, end, *extra) -> list[tuple]:
    lo, hi = window(start, end)
    return list(
        Redemption.objects.filter(
            Q(q),
            state__in=[RedemptionState.COLLECTED, RedemptionState.EXPIRED],
            resolved_at__gte=lo,
            resolved_at__lt=hi,
        ).values_list("pk", "state", *extra)
    )


def _honoured(rows) -> Result:
    collected = sum(1 for _pk, s in rows if s == RedemptionState.COLLECTED)
    return Result(share(collected, len(rows)), ids("bank.Redemption", [pk for pk, _s in rows]))


@computation(
    code="bank.redemptions_honoured",
    name="积分兑换兑现率",
    description="考核期内到期或办结的兑换中，联盟商家实际兑现（已领取）的比例；居民自行取消的不计",
    unit="%",
    floor=60,
    target=100,
)
def redemptions_honoured(region: Region, start, end) -> Result:
    return _honoured(_resolved_redemptions(region.subtree_q("person__community"), start, end))


@batch_of("bank.redemptions_honoured")
def redemptions_honoured_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    tree = Subtrees(subjects)
    rows = _resolved_redemptions(tree.within("person__community"), start, end, "person__community")
    return {pk: _honoured(r) for pk, r in tree.spread(rows).items()}

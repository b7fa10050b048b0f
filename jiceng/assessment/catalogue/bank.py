"""Moral Bank indicators."""

from collections import Counter
from decimal import Decimal

import numpy as np
from django.db.models import Case, Count, F, Func, IntegerField, Q, Value, When

from jiceng.assessment.catalogue.registry import (
    Result,
    Subtrees,
    batch_of,
    column_arrays,
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


def _settled_awards(q, start, end, **fields) -> list[np.ndarray]:
    """The ids of the award notices that settled in the period (and `fields`), as arrays."""
    lo, hi = window(start, end)
    notices = Notice.objects.filter(
        q, kind=Notice.Kind.AWARD, state=NoticeState.SETTLED, ends_at__gte=lo, ends_at__lt=hi
    )
    return column_arrays(notices, i=F("pk"), **fields)


def _coverage(notices: np.ndarray, communities: np.ndarray, of: int) -> Result:
    return Result(share(len(np.unique(communities)), of), ids("bank.Notice", notices, unique=True))


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
    notices, where = _settled_awards(region.subtree_q("community"), start, end, c=F("community_id"))
    return _coverage(notices, where, communities)


@batch_of("bank.coverage")
def coverage_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    tree = Subtrees(subjects)
    notices, where = _settled_awards(tree.in_districts(), start, end, c=F("community_id"))
    rows = tree.spread_arrays(where, notices, where)
    return {pk: _coverage(*r, len(tree.communities(pk))) for pk, r in rows.items()}


def _earners(notices: np.ndarray, claimants: np.ndarray, residents: int) -> Result:
    earners = len(np.unique(claimants[claimants != 0]))
    value = (Decimal(earners) * 1000 / residents).quantize(Decimal("0.1")) if residents else None
    return Result(value, ids("bank.Notice", notices, unique=True))


@computation(
    code="bank.earners_per_1000",
    name="每千名居民获得积分人数",
    description="考核期内有积分奖励公示期满入账的不同居民人数，按辖区在册居民每千人计",
    unit="人/千人",
    floor=0,
    target=50,
)
def earners_per_1000(region: Region, start, end) -> Result:
    notices, claimants = _settled_awards(region.subtree_q("community"), start, end, p=F("claim__claimant_id"))
    residents = Person.objects.filter(region.subtree_q("community"), is_active=True).count()
    return _earners(notices, claimants, residents)


def residents_by_subject(tree: Subtrees, *, active_communities: bool = False) -> Counter:
    """Active residents in each subject's subtree (by the resident's community), in one grouped query;
    with `active_communities`, only those of active communities (the staffing report's roll)."""
    counts = (
        Person.objects.filter(tree.in_districts(), is_active=True)
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
    notices, claimants, where = _settled_awards(
        tree.in_districts(), start, end, p=F("claim__claimant_id"), c=F("community_id")
    )
    residents = residents_by_subject(tree)
    return {
        pk: _earners(*r, residents[pk]) for pk, r in tree.spread_arrays(where, notices, claimants).items()
    }


class MillisecondsBetween(Func):
    """Whole milliseconds from the second datetime to the first, computed by the database."""

    output_field = IntegerField()

    def as_sqlite(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="CAST(round((julianday(%(expressions)s)) * 86400000) AS INTEGER)",
            arg_joiner=") - julianday(",
            **extra,
        )

    def as_postgresql(self, compiler, connection, **extra):
        return self.as_sql(
            compiler,
            connection,
            template="round(EXTRACT(EPOCH FROM (%(expressions)s)) * 1000)::bigint",
            arg_joiner=" - ",
            **extra,
        )


def _decided_claims(q, start, end, **extra) -> list[np.ndarray]:
    lo, hi = window(start, end)
    claims = DeedClaim.objects.filter(q, decided_at__gte=lo, decided_at__lt=hi)
    return column_arrays(claims, i=F("pk"), ms=MillisecondsBetween(F("decided_at"), F("created_at")), **extra)


def _review_days(claims: np.ndarray, ms: np.ndarray) -> Result:
    if not len(claims):
        return Result(None)
    value = (Decimal(str(float(np.median(ms)))) / 86_400_000).quantize(Decimal("0.1"))
    return Result(value, ids("bank.DeedClaim", claims, unique=True))


@computation(
    code="bank.review_days",
    name="积分申报审核用时中位数",
    description="考核期内审核完成的积分申报，从提交到审核完成的天数（按小时折算）的中位数；越短越好",
    unit="天",
    floor=14,
    target=3,
)
def review_days(region: Region, start, end) -> Result:
    return _review_days(*_decided_claims(region.subtree_q("community"), start, end))


@batch_of("bank.review_days")
def review_days_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    tree = Subtrees(subjects)
    claims, ms, where = _decided_claims(tree.in_districts(), start, end, c=F("community"))
    return {pk: _review_days(*r) for pk, r in tree.spread_arrays(where, claims, ms).items()}


def _flag(condition: Q) -> Case:
    return Case(When(condition, then=Value(1)), default=Value(0), output_field=IntegerField())


def _decided_objections(q, start, end, **extra) -> list[np.ndarray]:
    lo, hi = window(start, end)
    objections = Objection.objects.filter(
        q,
        state__in=[ObjectionState.UPHELD, ObjectionState.DISMISSED],
        decided_at__gte=lo,
        decided_at__lt=hi,
    )
    return column_arrays(objections, i=F("pk"), u=_flag(Q(state=ObjectionState.UPHELD)), **extra)


def _upheld(objections: np.ndarray, upheld: np.ndarray) -> Result:
    return Result(share(int(upheld.sum()), len(objections)), ids("bank.Objection", objections, unique=True))


@computation(
    code="bank.objections_upheld",
    name="公示异议成立比例（预警指标）",
    description="考核期内作出决定的公示异议中，异议成立的比例；比例高说明审核把关不严，反向计分",
    unit="%",
    floor=20,
    target=0,
)
def objections_upheld(region: Region, start, end) -> Result:
    return _upheld(*_decided_objections(region.subtree_q("notice__community"), start, end))


@batch_of("bank.objections_upheld")
def objections_upheld_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    tree = Subtrees(subjects)
    objections, upheld, where = _decided_objections(tree.in_districts(), start, end, c=F("notice__community"))
    return {pk: _upheld(*r) for pk, r in tree.spread_arrays(where, objections, upheld).items()}


def _resolved_redemptions(q, start, end, **extra) -> list[np.ndarray]:
    lo, hi = window(start, end)
    redemptions = Redemption.objects.filter(
        Q(q),
        state__in=[RedemptionState.COLLECTED, RedemptionState.EXPIRED],
        resolved_at__gte=lo,
        resolved_at__lt=hi,
    )
    return column_arrays(redemptions, i=F("pk"), k=_flag(Q(state=RedemptionState.COLLECTED)), **extra)


def _honoured(redemptions: np.ndarray, collected: np.ndarray) -> Result:
    return Result(
        share(int(collected.sum()), len(redemptions)), ids("bank.Redemption", redemptions, unique=True)
    )


@computation(
    code="bank.redemptions_honoured",
    name="积分兑换兑现率",
    description="考核期内到期或办结的兑换中，联盟商家实际兑现（已领取）的比例；居民自行取消的不计",
    unit="%",
    floor=60,
    target=100,
)
def redemptions_honoured(region: Region, start, end) -> Result:
    return _honoured(*_resolved_redemptions(region.subtree_q("person__community"), start, end))


@batch_of("bank.redemptions_honoured")
def redemptions_honoured_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    tree = Subtrees(subjects)
    redemptions, collected, where = _resolved_redemptions(
        tree.in_districts(), start, end, c=F("person__community")
    )
    return {pk: _honoured(*r) for pk, r in tree.spread_arrays(where, redemptions, collected).items()}

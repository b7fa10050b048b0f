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
    tallied,
    window,
)
from jiceng.assessment.records import Tally
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


def settled_awards(q, start, end):
    """The award notices that settled in the period, in `q`: the records coverage and earners count."""
    lo, hi = window(start, end)
    return Notice.objects.filter(
        q, kind=Notice.Kind.AWARD, state=NoticeState.SETTLED, ends_at__gte=lo, ends_at__lt=hi
    )


def settled_awards_of(region: Region, start, end):
    return settled_awards(region.subtree_q("community"), start, end)


def _coverage(communities: np.ndarray, n: np.ndarray, s: np.ndarray, m: np.ndarray, of: int) -> Result:
    return Result(share(len(np.unique(communities)), of), Tally.of_groups("bank.Notice", n, s, m))


@computation(
    code="bank.coverage",
    listing=settled_awards_of,
    name="道德银行社区覆盖率",
    description="辖区内在考核年度至少有一条积分奖励公示期满入账的社区，占全部有效社区的比例",
    unit="%",
    floor=0,
    target=100,
)
def coverage(region: Region, start, end) -> Result:
    communities = Region.objects.filter(region.subtree_q(), level=Level.COMMUNITY, is_active=True).count()
    return _coverage(*tallied(settled_awards_of(region, start, end), c=F("community_id")), communities)


@batch_of("bank.coverage")
def coverage_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    tree = Subtrees(subjects)
    # grouped by resident too, as earners groups them: inside a run the two share one read
    where, _people, n, s, m = tallied(
        settled_awards(tree.in_districts(), start, end), c=F("community_id"), p=F("person_id")
    )
    rows = tree.spread_arrays(where, where, n, s, m)
    return {pk: _coverage(*r, len(tree.communities(pk))) for pk, r in rows.items()}


def _earners(people: np.ndarray, n: np.ndarray, s: np.ndarray, m: np.ndarray, residents: int) -> Result:
    earners = len(np.unique(people))
    value = (Decimal(earners) * 1000 / residents).quantize(Decimal("0.1")) if residents else None
    return Result(value, Tally.of_groups("bank.Notice", n, s, m))


@computation(
    code="bank.earners_per_1000",
    listing=settled_awards_of,
    name="每千名居民获得积分人数",
    description="考核期内有积分奖励公示期满入账的不同居民人数，按辖区在册居民每千人计",
    unit="人/千人",
    floor=0,
    target=50,
)
def earners_per_1000(region: Region, start, end) -> Result:
    _where, *rows = tallied(settled_awards_of(region, start, end), c=F("community_id"), p=F("person_id"))
    residents = Person.objects.filter(region.subtree_q("community"), is_active=True).count()
    return _earners(*rows, residents)


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
    where, *rows = tallied(
        settled_awards(tree.in_districts(), start, end), c=F("community_id"), p=F("person_id")
    )
    residents = residents_by_subject(tree)
    return {pk: _earners(*r, residents[pk]) for pk, r in tree.spread_arrays(where, *rows).items()}


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
            # date_part is double precision; EXTRACT's numeric took 13 s for a district's year of claims, 5.8 s
            template="round(date_part('epoch', %(expressions)s) * 1000)::bigint",
            arg_joiner=" - ",
            **extra,
        )


HOUR_MS = 3_600_000


class WholeHoursBetween(MillisecondsBetween):
    """Whole hours from the second datetime to the first: the milliseconds divided by `HOUR_MS` in the
    database's integer arithmetic, as one expression with no parameter, because SQLite uses an index
    on an expression only for that very expression (`claim_review_hours`, bank 0019)."""

    def as_sql(self, compiler, connection, **extra):
        sql, params = super().as_sql(compiler, connection, **extra)
        return f"({sql} / {HOUR_MS})", params


def decided_claims(q, start, end):
    """The claims whose review was completed in the period, in `q`: the records review days counts."""
    lo, hi = window(start, end)
    return DeedClaim.objects.filter(q, decided_at__gte=lo, decided_at__lt=hi)


def decided_claims_of(region: Region, start, end):
    return decided_claims(region.subtree_q("community"), start, end)


def _review_hours(claims) -> list[np.ndarray]:
    """Per community and whole hour from filing to decision: the hour, the claims, Σ id, Σ mix(id)."""
    return tallied(claims, c=F("community_id"), h=WholeHoursBetween(F("decided_at"), F("created_at")))


def _review_days(hours: np.ndarray, n: np.ndarray, s: np.ndarray, m: np.ndarray) -> Result:
    """The median of whole hours over every claim, from how many claims took each hour, in days."""
    total = int(n.sum())
    if not total:
        return Result(None)
    order = np.argsort(hours, kind="stable")
    sorted_hours, upto = hours[order], np.cumsum(n[order])
    low, high = (sorted_hours[np.searchsorted(upto, k, side="right")] for k in ((total - 1) // 2, total // 2))
    value = (Decimal(int(low) + int(high)) / 48).quantize(Decimal("0.1"))
    return Result(value, Tally.of_groups("bank.DeedClaim", n, s, m))


@computation(
    code="bank.review_days",
    listing=decided_claims_of,
    name="积分申报审核用时中位数",
    description="考核期内审核完成的积分申报，从提交到审核完成的时间按整小时计，折算成天的中位数；越短越好",
    unit="天",
    floor=14,
    target=3,
)
def review_days(region: Region, start, end) -> Result:
    _where, *rows = _review_hours(decided_claims_of(region, start, end))
    return _review_days(*rows)


@batch_of("bank.review_days")
def review_days_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    tree = Subtrees(subjects)
    where, *rows = _review_hours(decided_claims(tree.in_districts(), start, end))
    return {pk: _review_days(*r) for pk, r in tree.spread_arrays(where, *rows).items()}


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

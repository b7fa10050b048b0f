"""The cockpit of one region: the year's targets first, then one tile per area, for the region and
each of its direct children.

Every figure is summed from records that already exist. Each tile is one grouped query over the
region's subtree (`subtree_q`), grouped by community code (or the alliance's region code); the
figures of the region and of each child are additions over those groups by code prefix, so the
number of queries does not grow with the number of communities. Workforce, funding, the
social-organisation target and task outcomes come from those apps' own queries.
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.activities.models import Activity, ActivityStatus, CheckIn
from jiceng.alliance.models import (
    Action,
    ActionStatus,
    AllianceLevel,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Need,
    NeedStatus,
    ReportIn,
    ReportInConfirmation,
    ReportInStatus,
)
from jiceng.alliance.queries.coverage import coverage_list_by_org, sector_branch_is_faded
from jiceng.bank.models import (
    Account,
    AccountKind,
    Redemption,
    RedemptionState,
    Transfer,
    TransferKind,
    TransferState,
)
from jiceng.cockpit.queries.overview import overview_from
from jiceng.funding.queries.contracts import year_target
from jiceng.funding.queries.funds import region_figures
from jiceng.linkage.queries.assignments import outcome_counts_by_region
from jiceng.orgs.models import Kind, Organization
from jiceng.regions.models import CHILD_LEVEL, Level, Region
from jiceng.workforce.queries.staffing import staffing_report

SYMPOSIA_PER_YEAR = 6
OPEN_NEEDS = (NeedStatus.OPEN, NeedStatus.IN_PROGRESS)


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


@dataclass
class Row:
    """The figures of one region (its whole subtree) for the year."""

    region: Region
    communities: int = 0
    communities_awarded: int = 0
    residents: int = 0
    issued: int = 0
    awards: int = 0
    redeemed: int = 0
    pools: int = 0
    meetings: int = 0
    symposia: int = 0
    actions_open: int = 0
    actions_done: int = 0
    needs_open: int = 0
    needs_resolved: int = 0
    activities_held: int = 0
    checkins: int = 0
    sector_total: int = 0
    sector_covered: int = 0
    sector_faded: int = 0
    report_ins: int = 0
    report_ins_confirmed: int = 0
    workers: int = 0
    per_10k: float = 0.0
    budget: Decimal = Decimal("0")
    spent: Decimal = Decimal("0")
    execution_rate: Decimal | None = None
    tasks: dict = field(default_factory=lambda: {"on_time": 0, "late": 0, "missed": 0, "open": 0})
    circle_population: float | None = None
    circle_percentage: float | None = None

    @property
    def sector_rate(self) -> float | None:
        return round(100 * self.sector_covered / self.sector_total, 1) if self.sector_total else None

    def as_json(self) -> dict:
        return {
            "code": self.region.code,
            "name": self.region.name,
            "level": self.region.level,
            "communities": self.communities,
            "communities_with_award": self.communities_awarded,
            "residents": self.residents,
            "points_issued": self.issued,
            "awards": self.awards,
            "points_redeemed": self.redeemed,
            "points_in_love_pools": self.pools,
            "meetings_held": self.meetings,
            "symposia_held": self.symposia,
            "actions_open": self.actions_open,
            "actions_done": self.actions_done,
            "needs_open": self.needs_open,
            "needs_resolved": self.needs_resolved,
            "activities_held": self.activities_held,
            "checkins": self.checkins,
            "sector_organisations": self.sector_total,
            "sector_covered": self.sector_covered,
            "sector_faded": self.sector_faded,
            "report_ins": self.report_ins,
            "report_ins_confirmed": self.report_ins_confirmed,
            "workers": self.workers,
            "workers_per_10k": self.per_10k,
            "budget": str(self.budget),
            "spent": str(self.spent),
            "execution_rate": str(self.execution_rate) if self.execution_rate is not None else None,
            "tasks": dict(self.tasks),
            "circle_population": self.circle_population,
            "circle_coverage_percent": (
                round(self.circle_percentage, 1) if self.circle_percentage is not None else None
            ),
        }


@dataclass
class Target:
    code: str
    name: str
    done: bool
    figure: str
    missing: list = field(default_factory=list)
    missing_label: str = ""  # how the list of what is missing is introduced, when not "N 项未达成"


@dataclass
class Cockpit:
    region: Region
    year: int
    today: dt.date
    total: Row
    children: list[Row]
    targets: list[Target]
    trend: dict
    circle_note: str = ""
    computed_at: dt.datetime | None = None  # when the rolled-up figures were computed; None: summed now
    overview: tuple | None = None  # the population table (`region_overview_get`), from the same rows

    @property
    def days_left(self) -> int:
        return max((dt.date(self.year, 12, 31) - self.today).days, 0)

    @property
    def deadline(self) -> dt.date:
        return dt.date(self.year, 12, 31)

    def as_json(self) -> dict:
        return {
            "region": self.region.code,
            "name": self.region.name,
            "level": self.region.level,
            "year": self.year,
            "computed_on": self.today.isoformat(),
            "figures_computed_at": timezone.localtime(self.computed_at or timezone.now()).isoformat(),
            "days_left": self.days_left,
            "targets": [
                {"code": t.code, "name": t.name, "done": t.done, "figure": t.figure, "missing": t.missing}
                for t in self.targets
            ],
            "figures": self.total.as_json(),
            "children": [c.as_json() for c in self.children],
            "population_note": self.circle_note,
        }


def _under(code: str | None, r: Region) -> bool:
    return bool(code) and code.startswith(r.prefix)


def _grouped(qs, key: str, agg) -> Counter:
    return Counter(
        {code: n or 0 for code, n in qs.values_list(key).annotate(n=agg).order_by() if code is not None}
    )


def _month_sums(field: str, value: str, year: int) -> dict:
    """A filtered sum per calendar month of `year` on `field`: plain range comparisons, so SQLite runs
    no date function in Python for each row."""
    months = [_day_start(dt.date(year, m, 1)) for m in range(1, 13)] + [_day_start(dt.date(year + 1, 1, 1))]
    return {
        f"m{i}": Sum(value, filter=Q(**{f"{field}__gte": months[i], f"{field}__lt": months[i + 1]}))
        for i in range(12)
    }


def _months(row) -> list[int]:
    return [row[f"m{i}"] or 0 for i in range(12)]


def awards_by_community(region: Region, year: int, *, above: int = 0, up_to: int | None = None) -> dict:
    """Award transfers from issuance accounts posted in `year`, per community code: their number and
    their points per month, in one query; only transfers with `above` < id (≤ `up_to`) when given."""
    lo, hi = _day_start(dt.date(year, 1, 1)), _day_start(dt.date(year + 1, 1, 1))
    awards = Transfer.objects.filter(
        region.subtree_q("debit__community"),
        kind=TransferKind.AWARD,
        state=TransferState.POSTED,
        debit__kind=AccountKind.ISSUANCE,
        resolved_at__gte=lo,
        resolved_at__lt=hi,
    )
    if above:
        awards = awards.filter(id__gt=above)
    if up_to is not None:
        awards = awards.filter(id__lte=up_to)
    rows = awards.values("debit__community__code").annotate(
        n=Count("id"), **_month_sums("resolved_at", "amount", year)
    )
    return {r["debit__community__code"]: {"awards": r["n"], "issued_m": _months(r)} for r in rows.order_by()}


def _bank(region: Region, lo, hi, year: int) -> dict[str, dict]:
    """Points redeemed per community and per month (vouchers collected), and the love pools."""
    redeemed = (
        Redemption.objects.filter(
            region.subtree_q("person__community"),
            state=RedemptionState.COLLECTED,
            resolved_at__gte=lo,
            resolved_at__lt=hi,
        )
        .values("person__community__code")
        .annotate(**_month_sums("resolved_at", "points", year))
        .order_by()
    )
    pools = Account.objects.filter(region.subtree_q("community"), kind=AccountKind.LOVE_POOL)
    out: dict[str, dict] = {}
    for r in redeemed:
        out.setdefault(r["person__community__code"], {})["redeemed_m"] = _months(r)
    for code, n in _grouped(pools, "community__code", Sum("posted")).items():
        out.setdefault(code, {})["pools"] = n
    return out


def _trend(by_code: dict[str, dict]) -> dict:
    def column(name: str) -> list[int]:
        data = [0] * 12
        for figures in by_code.values():
            for i, v in enumerate(figures.get(name) or ()):
                data[i] += v
        return data

    return {
        "names": [_("%(m)s月") % {"m": m} for m in range(1, 13)],
        "type": "line",
        "series": [
            {"name": _("发放积分"), "data": column("issued_m")},
            {"name": _("兑换积分"), "data": column("redeemed_m")},
        ],
    }


def _alliance(region: Region, lo, hi) -> dict[str, Counter]:
    held = Meeting.objects.filter(
        region.subtree_q("alliance__region"),
        status=MeetingStatus.HELD,
        scheduled_at__gte=lo,
        scheduled_at__lt=hi,
    )
    rows = list(
        held.values_list("alliance__region__code")
        .annotate(n=Count("id"), s=Count("id", filter=Q(kind=MeetingKind.SYMPOSIUM)))
        .order_by()
    )
    # An action counts where it serves (its community), else at its alliance's region.
    actions = list(
        Action.objects.filter(region.subtree_q("served_community") | region.subtree_q("alliance__region"))
        .annotate(at=Coalesce("served_community__code", "alliance__region__code"))
        .values_list("at")
        .annotate(
            o=Count("id", filter=Q(status=ActionStatus.OPEN)),
            d=Count("id", filter=Q(status=ActionStatus.DONE, closed_at__gte=lo, closed_at__lt=hi)),
        )
        .order_by()
    )
    return {
        "meetings": Counter({c: n for c, n, _s in rows}),
        "symposia": Counter({c: s for c, _n, s in rows}),
        "actions_open": Counter({c: o for c, o, _d in actions if c and c.startswith(region.prefix)}),
        "actions_done": Counter({c: d for c, _o, d in actions if c and c.startswith(region.prefix)}),
    }


def _lists_and_activities(region: Region, lo, hi, year: int) -> dict[str, Counter]:
    needs = list(
        Need.objects.filter(region.subtree_q("community"))
        .values_list("community__code")
        .annotate(
            o=Count("id", filter=Q(status__in=OPEN_NEEDS)),
            r=Count("id", filter=Q(status=NeedStatus.RESOLVED, resolved_at__gte=lo, resolved_at__lt=hi)),
        )
        .order_by()
    )
    held = Activity.objects.filter(
        region.subtree_q("community"),
        status=ActivityStatus.CLOSED,
        starts_at__gte=lo,
        starts_at__lt=hi,
    )
    checkins = CheckIn.objects.filter(
        region.subtree_q("activity__community"), checked_in_at__gte=lo, checked_in_at__lt=hi
    )
    report_ins = ReportIn.objects.filter(region.subtree_q("community"), status=ReportInStatus.ACTIVE)
    return {
        "needs_open": Counter({c: o for c, o, _r in needs}),
        "needs_resolved": Counter({c: r for c, _o, r in needs}),
        "activities_held": _grouped(held, "community__code", Count("id")),
        "checkins": _grouped(checkins, "activity__community__code", Count("id")),
        "report_ins": _grouped(report_ins, "community__code", Count("id")),
        "report_ins_confirmed": _grouped(
            ReportInConfirmation.objects.filter(report_in__in=report_ins, year=year),
            "report_in__community__code",
            Count("id"),
        ),
    }


def _sectors(region: Region) -> list[tuple[str, bool, bool]]:
    """(region code, covered, faded) per new-sector organisation in the subtree: two queries."""
    orgs = Organization.objects.filter(region.subtree_q("region"), kind=Kind.NEW_SECTOR, is_active=True)
    return [
        (
            o.org.region.code,
            o.covered,
            any(sector_branch_is_faded(b, 12) for b in o.branches),
        )
        for o in coverage_list_by_org(orgs.select_related("region"))
    ]


def _circle(region: Region):
    """The service circle's coverage of the district, if its places and points are recorded."""
    from jiceng.circle.queries.district import coverage_get
    from jiceng.circle.queries.figures import figures_get
    from jiceng.circle.queries.params import CircleParams

    district = Region.objects.get(code=region.district_code)
    cov = coverage_get(district, CircleParams())
    return cov, figures_get


def _targets(
    region: Region,
    year: int,
    today: dt.date,
    total: Row,
    subtree: list[Region],
    communities: list[Region],
    awarded,
    report,
):
    targets = []
    missing = [c.name for c in communities if not awarded.get(c.code)]
    targets.append(
        Target(
            "bank_every_community",
            _("道德银行覆盖每个社区"),
            done=bool(communities) and not missing,
            figure=_("%(n)s / %(t)s 个社区已有本年度结算的奖励")
            % {"n": total.communities_awarded, "t": total.communities},
            missing=missing,
        )
    )
    district = region if region.level == Level.DISTRICT else Region.objects.get(code=region.district_code)
    rows = year_target(district, year=year, today=today, within=region)["rows"]
    mine = [r for r in rows if region.contains(r.subdistrict) or r.subdistrict.contains(region)]
    targets.append(
        Target(
            "social_org_per_subdistrict",
            _("每个街道一家社会组织承接服务"),
            done=bool(mine) and all(r.met for r in mine),
            figure=_("%(n)s / %(t)s 个街道已达成") % {"n": sum(1 for r in mine if r.met), "t": len(mine)},
            missing=[f"{r.subdistrict.name}：{'；'.join(r.missing)}" for r in mine if not r.met],
        )
    )
    lo, hi = _day_start(dt.date(year, 1, 1)), _day_start(dt.date(year + 1, 1, 1))
    # Every subdistrict in view (a community looks at its own) owes six symposia of its alliance.
    if region.level in (Level.DISTRICT, Level.SUBDISTRICT):
        subs = [r for r in subtree if r.level == Level.SUBDISTRICT]
    else:
        subs = list(Region.objects.filter(code=region.subdistrict_code))
    subs.sort(key=lambda r: r.code)
    held = dict(
        Meeting.objects.filter(
            alliance__level=AllianceLevel.SUBDISTRICT,
            alliance__is_active=True,
            alliance__region__in=[sub.pk for sub in subs],
            kind=MeetingKind.SYMPOSIUM,
            status=MeetingStatus.HELD,
            scheduled_at__gte=lo,
            scheduled_at__lt=hi,
        )
        .values_list("alliance__region__code")
        .annotate(n=Count("id"))
        .order_by()
    )
    short = [
        _("%(s)s 已开 %(n)s 次") % {"s": sub.name, "n": held.get(sub.code, 0)}
        for sub in subs
        if held.get(sub.code, 0) < SYMPOSIA_PER_YEAR
    ]
    targets.append(
        Target(
            "symposia",
            _("双月座谈会每年 6 次"),
            done=bool(subs) and not short,
            figure=_("%(n)s / %(t)s 个街道已开满 6 次") % {"n": len(subs) - len(short), "t": len(subs)},
            missing=short,
        )
    )
    short_staffed = [c for c in report.flagged if c.missing]  # a community with nobody registered owes nobody
    targets.append(
        Target(
            "staffing",
            _("每万名居民配备社区工作者"),
            done=report.total.residents > 0 and not report.total.below,
            figure=_("每万人 %(v)s 人，目标 %(t)s 人") % {"v": report.total.per_10k, "t": report.target},
            missing=[
                line % {"c": c.region.name, "v": c.per_10k, "m": c.missing}
                for line in [_("%(c)s 每万人 %(v)s 人，差 %(m)s 人")]
                for c in short_staffed
            ],
            missing_label=_("%(n)s 个社区低于目标") % {"n": len(short_staffed)},
        )
    )
    return targets


# The figures a refresh rolls up per community code (`community_figures`); the rest stay live.
ROLLED_COUNTS = (
    "residents",
    "awards",
    "pools",
    "needs_open",
    "needs_resolved",
    "activities_held",
    "checkins",
    "report_ins",
    "report_ins_confirmed",
)
ROLLED_MONTHS = ("issued_m", "redeemed_m")


def community_figures(region: Region, year: int, *, awards: dict | None = None) -> dict[str, dict]:
    """Per community code under `region`: every figure that costs a scan of a large table (residents,
    households and party members, the Moral Bank's awards and vouchers per month, the love pools, needs,
    activities, check-ins, report-ins), as {code: {name: value}}. `awards` replaces the award query
    (a refresh adds final transfers to what it summed before)."""
    from jiceng.cockpit.queries.overview import people_counts_by_community

    lo, hi = _day_start(dt.date(year, 1, 1)), _day_start(dt.date(year + 1, 1, 1))
    out: dict[str, dict] = {}

    def put(code, name, value) -> None:
        if code is not None:
            out.setdefault(code, {})[name] = value

    people, households, members = people_counts_by_community(region)
    for name, counter in (("residents", people), ("households", households), ("party_members", members)):
        for code, n in counter.items():
            put(code, name, n)
    for code, figures in (awards_by_community(region, year) if awards is None else awards).items():
        for name, value in figures.items():
            put(code, name, value)
    for code, figures in _bank(region, lo, hi, year).items():
        for name, value in figures.items():
            put(code, name, value)
    for name, counter in _lists_and_activities(region, lo, hi, year).items():
        for code, n in counter.items():
            put(code, name, n)
    return out


def _rolled(region: Region, year: int):
    """The latest refresh's stamp and rows under `region`, or (None, None) before the first one."""
    from jiceng.cockpit.models import Rollup, RollupStamp

    stamp = RollupStamp.objects.filter(district__code=region.district_code, year=year).first()
    if stamp is None:
        return None, None
    rows = Rollup.objects.filter(region.subtree_q(), district_id=stamp.district_id, year=year).values_list(
        "code", "figures", "circle_population", "circle_percentage"
    )
    return stamp, {code: (figures, pop, pct) for code, figures, pop, pct in rows}


def cockpit_get(region: Region, *, today: dt.date | None = None, live: bool = False) -> Cockpit:
    """The cockpit of `region` for the year of `today`: the large tables' figures from the latest
    roll-up (`services.rollup.rollup_refresh`) when there is one and `live` is not asked for, else
    summed from the records now."""
    today = today or timezone.localdate()
    year = today.year
    lo, hi = _day_start(dt.date(year, 1, 1)), _day_start(dt.date(year + 1, 1, 1))
    subtree = list(Region.objects.filter(region.subtree_q(), is_active=True).order_by("code"))
    child_level = CHILD_LEVEL.get(Level(region.level))
    children = (
        [r for r in subtree if r.level == child_level and r.parent_id == region.id]
        if region.level in (Level.DISTRICT, Level.SUBDISTRICT)
        else []
    )
    communities = [r for r in subtree if r.level == Level.COMMUNITY]
    stamp, rolled = (None, None) if live else _rolled(region, year)
    if rolled is not None:
        by_code = {code: figures for code, (figures, _p, _c) in rolled.items()}
    else:
        by_code = community_figures(region, year)
    groups: dict[str, Counter] = {name: Counter() for name in (*ROLLED_COUNTS, "issued", "redeemed")}
    people = {name: Counter() for name in ("households", "party_members")}
    for code, figures in by_code.items():
        for name, counter in people.items():
            if figures.get(name):
                counter[code] = figures[name]
        for name in ROLLED_COUNTS:
            if figures.get(name):
                groups[name][code] = figures[name]
        for name in ROLLED_MONTHS:
            if figures.get(name):
                groups[name[:-2]][code] = sum(figures[name])
    trend = _trend(by_code)
    by_id = {c.pk: by_code.get(c.code, {}).get("residents", 0) for c in communities}
    staffing = staffing_report(region, year, residents=by_id, communities=communities)
    groups.update(_alliance(region, lo, hi))
    sectors = _sectors(region)
    nodes = [region, *children]
    rows = [Row(region=n) for n in nodes]
    prefixes = [(row, row.region.prefix) for row in rows]
    owners: dict[str, list[Row]] = {}  # code -> the rows whose subtree holds it, worked out once per code

    def rows_of(code: str) -> list[Row]:
        if code not in owners:
            owners[code] = [row for row, prefix in prefixes if code.startswith(prefix)]
        return owners[code]

    for name, counter in groups.items():
        sums = [0] * len(rows)
        index = {id(row): i for i, row in enumerate(rows)}
        for code, n in counter.items():
            for row in rows_of(code):
                sums[index[id(row)]] += n
        for row, n in zip(rows, sums, strict=True):
            setattr(row, name, n)
    for c in communities:
        for row in rows_of(c.code):
            row.communities += 1
            row.communities_awarded += 1 if groups["awards"].get(c.code) else 0
    for row in rows:
        r = row.region
        row.sector_total = sum(1 for code, _c, _f in sectors if _under(code, r))
        row.sector_covered = sum(1 for code, c, _f in sectors if c and _under(code, r))
        row.sector_faded = sum(1 for code, _c, f in sectors if f and _under(code, r))
    total = rows[0]
    targets = _targets(region, year, today, total, subtree, communities, groups["awards"], staffing)
    lines = {line.region.pk: line for line in [staffing.total, *staffing.subdistricts, *staffing.communities]}
    money = region_figures(nodes, year=year, residents=groups["residents"])
    outcomes = outcome_counts_by_region(region)
    code_of = {r.pk: r.code for r in subtree}
    if rolled is None:
        cov, figures_get = _circle(region)
        stand_in, error = cov.points.stand_in, cov.error
    else:
        stand_in, error = stamp.circle_stand_in, stamp.circle_error
    for row, f in zip(rows, money, strict=True):
        line = lines.get(row.region.pk)
        if line is not None:
            row.workers, row.per_10k = line.workers, line.per_10k
        row.budget, row.spent, row.execution_rate = f.budget, f.spent, f.execution_rate
        for rid, counts in outcomes.items():
            if _under(code_of.get(rid), row.region):
                for k in row.tasks:
                    row.tasks[k] += counts.get(k, 0)
        if rolled is None:
            fig = figures_get(cov, row.region)
            row.circle_population, row.circle_percentage = round(fig.population), fig.percentage
        else:
            _f, pop, pct = rolled.get(row.region.code, ({}, 0.0, None))
            row.circle_population, row.circle_percentage = round(pop or 0), pct
    return Cockpit(
        region=region,
        year=year,
        today=today,
        total=total,
        children=rows[1:],
        targets=targets,
        trend=trend,
        circle_note=_population_note(total, stand_in, error),
        computed_at=stamp.computed_at if stamp is not None else None,
        overview=overview_from(
            region, subtree, groups["residents"], people["households"], people["party_members"]
        ),
    )


def _population_note(total: Row, stand_in: bool, error: str) -> str:
    """Why the cockpit's population and the service-circle map's agree, or why they differ."""
    if total.circle_population == total.residents:
        note = _("服务圈地图与本页人口一致：%(n)s 人。") % {"n": total.residents}
    elif stand_in:
        note = _(
            "本页人口 %(r)s 人是登记在册的居民。服务圈还没有导入居住点，地图把各社区登记的居民放在社区中心点上，"
            "没有中心点坐标的社区不在地图上，所以地图只算到 %(p)s 人。"
        ) % {"r": total.residents, "p": total.circle_population}
    else:
        note = _(
            "本页人口 %(r)s 人是登记在册的居民；服务圈地图的 %(p)s 人是各居住点登记的人口"
            "（含未登记的常住人口，或尚未补录的楼栋），两者来源不同，所以不一致。"
        ) % {"r": total.residents, "p": total.circle_population}
    if error:
        note += " " + _("步行覆盖率暂无：%(e)s") % {"e": error}
    return note

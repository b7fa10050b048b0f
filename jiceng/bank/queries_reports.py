"""Reads for the Moral Alliance, passing points on, the settlement report and fairness signals.

Every figure here is computed from records that already exist (ledger transfers,
redemptions, claims and reviews); nobody types a number twice.
"""

import datetime as dt
import difflib
import io
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from jiceng.bank.models import (
    AccountKind,
    AlliancePartner,
    ClaimState,
    DeedClaim,
    PartnerState,
    Redemption,
    RedemptionState,
    Review,
    Reward,
    Transfer,
    TransferKind,
    TransferState,
)
from jiceng.core.models import Role
from jiceng.core.scope import scope_for
from jiceng.orgs.models import Organization
from jiceng.regions.models import Level, Region, prefix_range

# ---------------------------------------------------------------- helpers


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def _region_q(regions: list[Region], path: str) -> Q:
    """Rows whose region, reached through `path` ("" for Region itself), lies under one of `regions`."""
    q = Q(pk__in=[])
    for r in regions:
        q |= prefix_range(r.prefix, f"{path}__code" if path else "code")
    return q


def _km(lon1, lat1, lon2, lat2) -> float | None:
    if None in (lon1, lat1, lon2, lat2):
        return None
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(a))


def _bold_header(wb: Workbook) -> None:
    bold = Font(bold=True)
    for ws in wb.worksheets:
        for cell in ws[1]:
            cell.font = bold
        ws.freeze_panes = "A2"
        for col in "ABCDEFGHIJKLMNOP":
            ws.column_dimensions[col].width = 16


def _save(wb: Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


# ---------------------------------------------------------------- residents: rewards and vouchers


def rewards_open_to(person) -> QuerySet[Reward]:
    """Rewards a resident may look at: on the shelf, at an approved partner anywhere in their district."""
    return Reward.objects.filter(
        partner__district_id=person.district_id, partner__state=PartnerState.APPROVED, is_active=True
    ).select_related("partner__organization", "partner__subdistrict")


def rewards_near(person, today: dt.date | None = None) -> list[Reward]:
    """Rewards redeemable today: the resident's own subdistrict first, then the rest of the district by distance."""
    today = today or timezone.localdate()
    own_sub = person.community.parent_id
    rows = list(rewards_open_to(person).filter(valid_from__lte=today, valid_to__gte=today))
    home = person.community
    for r in rows:
        r.local = 0 if r.partner.subdistrict_id == own_sub else 1
        r.km = _km(home.lon, home.lat, r.partner.lon, r.partner.lat)
    rows.sort(
        key=lambda r: (r.local, r.stock == 0, r.km if r.km is not None else math.inf, r.points_price, r.pk)
    )
    return rows


def vouchers_of(person) -> QuerySet[Redemption]:
    return Redemption.objects.filter(person=person).select_related("reward", "partner__organization")


# ---------------------------------------------------------------- partners


def operator_orgs(user) -> list[Organization]:
    return list(Organization.objects.filter(pk__in=scope_for(user).org_ids).order_by("pk"))


def partner_of(org: Organization | None) -> AlliancePartner | None:
    if org is None:
        return None
    return (
        AlliancePartner.objects.filter(organization=org).select_related("organization", "subdistrict").first()
    )


def partner_months(partner: AlliancePartner) -> list[dict]:
    """Per month: vouchers collected and points received, newest first."""
    rows = (
        Redemption.objects.filter(partner=partner, state=RedemptionState.COLLECTED)
        .annotate(month=TruncMonth("resolved_at"))
        .values("month")
        .annotate(n=Count("id"), points=Sum("points"))
        .order_by("-month")
    )
    return [
        {
            "month": timezone.localtime(r["month"]).date()
            if isinstance(r["month"], dt.datetime)
            else r["month"],
            "n": r["n"],
            "points": r["points"],
        }
        for r in rows
    ]


def month_bounds(month: dt.date) -> tuple[dt.datetime, dt.datetime]:
    first = month.replace(day=1)
    nxt = (first + dt.timedelta(days=32)).replace(day=1)
    return _day_start(first), _day_start(nxt)


def partner_collected(partner: AlliancePartner, month: dt.date | None) -> QuerySet[Redemption]:
    qs = Redemption.objects.filter(partner=partner, state=RedemptionState.COLLECTED).select_related(
        "reward", "person", "collected_by"
    )
    if month is not None:
        start, end = month_bounds(month)
        qs = qs.filter(resolved_at__gte=start, resolved_at__lt=end)
    return qs.order_by("resolved_at", "pk")


def statement_workbook(partner: AlliancePartner, month: dt.date | None) -> bytes:
    wb = Workbook()
    summary = wb.active
    summary.title = _("月度汇总")
    summary.append([_("月份"), _("领取笔数"), _("收到积分")])
    for m in partner_months(partner):
        summary.append([f"{m['month']:%Y-%m}", m["n"], m["points"]])
    detail = wb.create_sheet(_("兑换明细"))
    detail.append([_("领取时间"), _("兑换码"), _("物品"), _("居民"), _("积分"), _("经办人")])
    for r in partner_collected(partner, month):
        detail.append(
            [
                timezone.localtime(r.resolved_at).strftime("%Y-%m-%d %H:%M"),
                r.code,
                r.reward.name,
                r.person.masked_name,
                r.points,
                str(r.collected_by or ""),
            ]
        )
    about = wb.create_sheet(_("说明"))
    about.append([_("单位"), partner.organization.name])
    about.append([_("范围"), f"{month:%Y-%m}" if month else _("全部月份")])
    about.append([_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])
    _bold_header(wb)
    return _save(wb)


# ---------------------------------------------------------------- love pool


def pool_history(pool, limit: int = 50) -> list[Transfer]:
    """The love pool's latest movements; the other side is shown by masked name."""
    rows = list(
        Transfer.objects.filter(Q(debit=pool) | Q(credit=pool))
        .exclude(state=TransferState.VOIDED)
        .select_related("debit__person", "credit__person")
        .order_by("-id")[:limit]
    )
    for t in rows:
        t.incoming = t.credit_id == pool.pk
        other = t.debit if t.incoming else t.credit
        t.other_name = other.person.masked_name if other.person_id else other.name
    return rows


def pool_totals(pool) -> dict:
    """Points given into the love pool and passed on from it, all time."""
    posted = Transfer.objects.filter(state=TransferState.POSTED)
    return {
        "received": posted.filter(credit=pool).aggregate(n=Sum("amount"))["n"] or 0,
        "passed_on": posted.filter(debit=pool).aggregate(n=Sum("amount"))["n"] or 0,
    }


# ---------------------------------------------------------------- settlement (互联互通)


def admin_regions(user) -> list[Region]:
    """The district or subdistricts an administrator reports on."""
    scope = scope_for(user)
    if not scope.has(Role.SUBDISTRICT_ADMIN, Role.DISTRICT_ADMIN):
        return []
    return [r for r in scope.regions if r.level in (Level.DISTRICT, Level.SUBDISTRICT)]


@dataclass
class Settlement:
    start: dt.date
    end: dt.date
    regions: list[Region]
    communities: list[dict] = field(default_factory=list)
    subdistricts: list[dict] = field(default_factory=list)
    partners: list[dict] = field(default_factory=list)
    flow_rows: list[Region] = field(default_factory=list)
    flow_cols: list[Region] = field(default_factory=list)
    matrix: list[list[int]] = field(default_factory=list)
    totals: dict = field(default_factory=dict)

    @property
    def scope_name(self) -> str:
        return "、".join(r.name for r in self.regions)

    @property
    def flow_table(self) -> list[dict]:
        return [
            {"region": row, "cells": cells, "total": sum(cells)}
            for row, cells in zip(self.flow_rows, self.matrix, strict=True)
        ]

    @property
    def flow_col_totals(self) -> list[int]:
        return [sum(row[j] for row in self.matrix) for j in range(len(self.flow_cols))]

    @property
    def flow_grand_total(self) -> int:
        return sum(self.flow_col_totals)

    @property
    def chart(self) -> dict:
        """One subdistrict: net points per community. Several: net issued and redeemed per subdistrict."""
        if len(self.subdistricts) == 1:
            return {
                "names": [c["region"].name for c in self.communities],
                "series": [{"name": _("净发放"), "data": [c["net"] for c in self.communities]}],
            }
        return {
            "names": [s["region"].name for s in self.subdistricts],
            "series": [
                {"name": _("净发放"), "data": [s["net"] for s in self.subdistricts]},
                {"name": _("本街道单位兑换"), "data": [s["redeemed_here"] for s in self.subdistricts]},
            ],
        }


def _sub_code(code: str) -> str:
    return code[:9] + "000"


def settlement_report(*, regions: list[Region], start: dt.date, end: dt.date) -> Settlement:
    """Points issued per community and subdistrict, redeemed per partner, and the flows between subdistricts.

    Issued: award transfers from issuance accounts posted in the period, less reversals
    of awards posted in it. Redeemed: vouchers collected in the period. A flow from X
    to Y: points of residents living in subdistrict X collected by partners in Y.
    """
    rep = Settlement(start=start, end=end, regions=regions)
    if not regions:
        return rep
    district = Region.objects.get(code=regions[0].district_code)
    lo, hi = _day_start(start), _day_start(end + dt.timedelta(days=1))
    in_scope = Region.objects.filter(_region_q(regions, ""))
    communities = list(in_scope.filter(level=Level.COMMUNITY).order_by("code"))
    subs = {r.code: r for r in Region.objects.filter(prefix_range(district.prefix), level=Level.SUBDISTRICT)}
    own_subs = [r for r in subs.values() if any(g.contains(r) for g in regions)]
    own_subs.sort(key=lambda r: r.code)

    issued = {
        row["debit__community_id"]: row
        for row in Transfer.objects.filter(
            district=district,
            kind=TransferKind.AWARD,
            state=TransferState.POSTED,
            debit__kind=AccountKind.ISSUANCE,
            resolved_at__gte=lo,
            resolved_at__lt=hi,
        )
        .filter(_region_q(regions, "debit__community"))
        .values("debit__community_id")
        .annotate(points=Sum("amount"), n=Count("id"))
    }
    reversed_ = {
        row["credit__community_id"]: row["points"]
        for row in Transfer.objects.filter(
            district=district,
            kind=TransferKind.REVERSAL,
            state=TransferState.POSTED,
            credit__kind=AccountKind.ISSUANCE,
            created_at__gte=lo,
            created_at__lt=hi,
        )
        .filter(_region_q(regions, "credit__community"))
        .values("credit__community_id")
        .annotate(points=Sum("amount"))
    }
    by_sub: dict[str, dict] = {
        s.code: {
            "region": s,
            "issued": 0,
            "reversed": 0,
            "net": 0,
            "awards": 0,
            "redeemed_here": 0,
            "spent_by_residents": 0,
        }
        for s in own_subs
    }
    for c in communities:
        row = issued.get(c.pk, {})
        got, back = row.get("points") or 0, reversed_.get(c.pk) or 0
        line = {
            "region": c,
            "subdistrict": subs.get(_sub_code(c.code)),
            "issued": got,
            "reversed": back,
            "net": got - back,
            "awards": row.get("n") or 0,
        }
        rep.communities.append(line)
        agg = by_sub.get(_sub_code(c.code))
        if agg is not None:
            for k in ("issued", "reversed", "net", "awards"):
                agg[k] += line[k]

    collected = Redemption.objects.filter(
        district=district, state=RedemptionState.COLLECTED, resolved_at__gte=lo, resolved_at__lt=hi
    )
    per_partner = {
        row["partner_id"]: row
        for row in collected.filter(_region_q(regions, "partner__subdistrict"))
        .values("partner_id")
        .annotate(points=Sum("points"), n=Count("id"))
    }
    partners = (
        AlliancePartner.objects.filter(district=district)
        .filter(Q(pk__in=list(per_partner)) | Q(state=PartnerState.APPROVED))
        .filter(_region_q(regions, "subdistrict"))
        .select_related("organization", "subdistrict")
    )
    for p in sorted(partners, key=lambda p: (p.subdistrict.code, p.organization.name)):
        row = per_partner.get(p.pk, {})
        rep.partners.append({"partner": p, "n": row.get("n") or 0, "points": row.get("points") or 0})
        if p.subdistrict.code in by_sub:
            by_sub[p.subdistrict.code]["redeemed_here"] += row.get("points") or 0

    flows: dict[tuple[str, str], int] = defaultdict(int)
    flow_qs = (
        collected.filter(_region_q(regions, "person__community") | _region_q(regions, "partner__subdistrict"))
        .values("person__community__code", "partner__subdistrict__code")
        .annotate(points=Sum("points"))
    )
    for row in flow_qs:
        flows[(_sub_code(row["person__community__code"]), row["partner__subdistrict__code"])] += row["points"]
    for (src, _dst), points in flows.items():
        if src in by_sub:
            by_sub[src]["spent_by_residents"] += points
    codes = {s.code for s in own_subs} | {a for a, _b in flows} | {b for _a, b in flows}
    axis = [subs[c] for c in sorted(codes) if c in subs]
    rep.flow_rows = rep.flow_cols = axis
    rep.matrix = [[flows.get((r.code, c.code), 0) for c in axis] for r in axis]
    rep.subdistricts = list(by_sub.values())
    cross = sum(p for (a, b), p in flows.items() if a != b)
    rep.totals = {
        "issued": sum(s["issued"] for s in rep.subdistricts),
        "reversed": sum(s["reversed"] for s in rep.subdistricts),
        "net": sum(s["net"] for s in rep.subdistricts),
        "redeemed": sum(p["points"] for p in rep.partners),
        "vouchers": sum(p["n"] for p in rep.partners),
        "cross": cross,
    }
    return rep


def settlement_workbook(rep: Settlement) -> bytes:
    wb = Workbook()
    about = wb.active
    about.title = _("说明")
    about.append([_("项目"), _("内容")])
    about.append([_("范围"), rep.scope_name])
    about.append([_("期间"), f"{rep.start:%Y-%m-%d} — {rep.end:%Y-%m-%d}"])
    about.append([_("发放积分"), _("期间内入账的积分奖励（由社区积分发行账户发出），减去期间内对奖励的冲正")])
    about.append([_("兑换积分"), _("期间内在道德联盟单位领取的兑换券所用积分")])
    about.append(
        [_("跨街道流向"), _("行：居民所在街道（积分在哪里挣）；列：兑换单位所在街道（积分在哪里花）")]
    )
    about.append([_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")])

    ws = wb.create_sheet(_("社区发放"))
    ws.append([_("街道"), _("社区"), _("区划代码"), _("奖励笔数"), _("发放积分"), _("冲正积分"), _("净发放")])
    for c in rep.communities:
        ws.append(
            [
                c["subdistrict"].name if c["subdistrict"] else "",
                c["region"].name,
                c["region"].code,
                c["awards"],
                c["issued"],
                c["reversed"],
                c["net"],
            ]
        )

    ws = wb.create_sheet(_("街道汇总"))
    ws.append(
        [
            _("街道"),
            _("发放积分"),
            _("冲正积分"),
            _("净发放"),
            _("本街道单位兑换积分"),
            _("本街道居民兑换积分"),
        ]
    )
    for s in rep.subdistricts:
        ws.append(
            [
                s["region"].name,
                s["issued"],
                s["reversed"],
                s["net"],
                s["redeemed_here"],
                s["spent_by_residents"],
            ]
        )

    ws = wb.create_sheet(_("联盟单位兑换"))
    ws.append([_("街道"), _("单位"), _("领取笔数"), _("兑换积分")])
    for p in rep.partners:
        ws.append([p["partner"].subdistrict.name, p["partner"].organization.name, p["n"], p["points"]])

    ws = wb.create_sheet(_("跨街道流向"))
    ws.append([_("居民所在街道 \\ 兑换单位所在街道"), *[c.name for c in rep.flow_cols], _("合计")])
    for row in rep.flow_table:
        ws.append([row["region"].name, *row["cells"], row["total"]])
    ws.append([_("合计"), *rep.flow_col_totals, rep.flow_grand_total])
    _bold_header(wb)
    return _save(wb)


# ---------------------------------------------------------------- fairness signals

REVIEW_WINDOW_DAYS = 365
REVIEW_MIN_APPROVALS = 10
REVIEW_TOP_N = 3
REVIEW_TOP_SHARE = 0.6
TEXT_WINDOW_DAYS = 90
TEXT_SIMILARITY = 0.9
TEXT_MIN_CHARS = 8  # very short texts ("扶老人过马路") match by chance; they say nothing
CAP_WINDOW_MONTHS = 12
CAP_BAND = 0.1  # a monthly total within 10% below the cap counts as "just under"
CAP_MIN_MONTHS = 3
_LIVE = [ClaimState.SUBMITTED, ClaimState.UNDER_REVIEW, ClaimState.ON_NOTICE, ClaimState.CREDITED]


@dataclass
class Signals:
    reviewers: list[dict] = field(default_factory=list)
    similar: list[dict] = field(default_factory=list)
    capped: list[dict] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.reviewers) + len(self.similar) + len(self.capped)


def _normalise(text: str) -> str:
    return re.sub(r"[\W_]+", "", (text or "").lower())


def reviewer_signals(regions: list[Region], now: dt.datetime) -> list[dict]:
    """Reviewers whose approvals go mostly to a few people."""
    rows = (
        Review.objects.filter(
            decision=Review.Decision.APPROVE, created_at__gte=now - dt.timedelta(days=REVIEW_WINDOW_DAYS)
        )
        .filter(_region_q(regions, "claim__community"))
        .values("reviewer_id", "claim__claimant_id")
        .annotate(n=Count("id"))
    )
    per: dict[int, Counter] = defaultdict(Counter)
    for r in rows:
        per[r["reviewer_id"]][r["claim__claimant_id"]] += r["n"]
    flagged = []
    for reviewer_id, counts in per.items():
        total = sum(counts.values())
        if total < REVIEW_MIN_APPROVALS:
            continue
        top = counts.most_common(REVIEW_TOP_N)
        share = sum(n for _p, n in top) / total
        if share >= REVIEW_TOP_SHARE:
            flagged.append({"reviewer_id": reviewer_id, "approvals": total, "top": top, "share": share})
    if not flagged:
        return []
    from jiceng.core.models import User
    from jiceng.people.models import Person

    users = User.objects.in_bulk([f["reviewer_id"] for f in flagged])
    people = Person.objects.select_related("community").in_bulk([p for f in flagged for p, _n in f["top"]])
    for f in flagged:
        f["reviewer"] = users[f["reviewer_id"]]
        f["top"] = [(people[p], n) for p, n in f["top"]]
        f["percent"] = round(f["share"] * 100)
    return sorted(flagged, key=lambda f: -f["share"])


def _clusters(items: list[tuple[int, str]]) -> list[tuple[list[int], float]]:
    """Groups of near-identical texts (union-find over pairs with ratio ≥ the threshold)."""
    parent = {i: i for i, _t in items}

    def find(i):
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    lowest: dict[tuple[int, int], float] = {}
    items = sorted(items, key=lambda it: len(it[1]))
    # ratio ≤ 2·min/(a+b): a text more than ~22% longer can never reach 0.9
    stretch = 2 / TEXT_SIMILARITY - 1
    matcher = difflib.SequenceMatcher(autojunk=False)
    for i, (id_a, a) in enumerate(items):
        matcher.set_seq2(a)
        for id_b, b in items[i + 1 :]:
            if len(b) > len(a) * stretch:
                break
            if a == b:
                ratio = 1.0
            else:
                matcher.set_seq1(b)
                if matcher.real_quick_ratio() < TEXT_SIMILARITY or matcher.quick_ratio() < TEXT_SIMILARITY:
                    continue
                ratio = matcher.ratio()
                if ratio < TEXT_SIMILARITY:
                    continue
            ra, rb = find(id_a), find(id_b)
            if ra != rb:
                parent[rb] = ra
            lowest[(id_a, id_b)] = ratio
    groups: dict[int, list[int]] = defaultdict(list)
    for i, _t in items:
        groups[find(i)].append(i)
    out = []
    for members in groups.values():
        if len(members) > 1:
            ratios = [r for (a, b), r in lowest.items() if a in members and b in members]
            out.append((sorted(members), min(ratios)))
    return out


def similar_text_signals(regions: list[Region], now: dt.datetime) -> list[dict]:
    """Near-identical claim texts within one community in the last 90 days."""
    claims = list(
        DeedClaim.objects.filter(created_at__gte=now - dt.timedelta(days=TEXT_WINDOW_DAYS), state__in=_LIVE)
        .filter(_region_q(regions, "community"))
        .values_list("pk", "community_id", "text")
    )
    by_community: dict[int, list[tuple[int, str]]] = defaultdict(list)
    for pk, community_id, text in claims:
        norm = _normalise(text)
        if len(norm) >= TEXT_MIN_CHARS:
            by_community[community_id].append((pk, norm))
    found = []
    for items in by_community.values():
        found += _clusters(items)
    if not found:
        return []
    rows = DeedClaim.objects.select_related("claimant", "community", "rule").in_bulk(
        [pk for members, _r in found for pk in members]
    )
    out = []
    for members, ratio in found:
        claims_ = [rows[pk] for pk in members]
        out.append(
            {
                "community": claims_[0].community,
                "claims": claims_,
                "claimants": len({c.claimant_id for c in claims_}),
                "percent": round(ratio * 100),
            }
        )
    return sorted(out, key=lambda s: (-len(s["claims"]), s["community"].code))


def cap_signals(regions: list[Region], today: dt.date) -> list[dict]:
    """People whose monthly total under a rule lands just under its monthly cap, month after month."""
    first = today.replace(day=1)
    for _i in range(CAP_WINDOW_MONTHS - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    rows = (
        DeedClaim.objects.filter(deed_date__gte=first, state__in=_LIVE, rule__cap_month__isnull=False)
        .filter(_region_q(regions, "community"))
        .values_list("claimant_id", "rule__code", "rule__name", "rule__cap_month", "deed_date", "points")
    )
    totals: dict[tuple[int, str], dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    caps: dict[tuple[int, str], tuple[str, int]] = {}
    for claimant, code, name, cap, day, points in rows:
        totals[(claimant, code)][day.replace(day=1)] += points
        caps[(claimant, code)] = (name, cap)
    flagged = []
    for key, months in totals.items():
        name, cap = caps[key]
        near = sorted(m for m, total in months.items() if cap * (1 - CAP_BAND) <= total <= cap)
        if len(near) >= CAP_MIN_MONTHS:
            flagged.append(
                {"person_id": key[0], "rule": name, "cap": cap, "months": [(m, months[m]) for m in near]}
            )
    if not flagged:
        return []
    from jiceng.people.models import Person

    people = Person.objects.select_related("community").in_bulk([f["person_id"] for f in flagged])
    for f in flagged:
        f["person"] = people[f["person_id"]]
    return sorted(flagged, key=lambda f: (-len(f["months"]), f["person"].community.code))


def fairness_signals(*, regions: list[Region], now: dt.datetime | None = None) -> Signals:
    """Patterns worth a look (not proof of anything): concentrated approvals, copied texts, totals at the cap."""
    now = now or timezone.now()
    if not regions:
        return Signals()
    return Signals(
        reviewers=reviewer_signals(regions, now),
        similar=similar_text_signals(regions, now),
        capped=cap_signals(regions, timezone.localdate(now)),
    )

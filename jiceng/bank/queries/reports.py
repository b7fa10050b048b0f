"""Reads for the settlement report (互联互通): points issued, redeemed, and flowing between subdistricts.

Every figure here is computed from records that already exist (ledger transfers and
redemptions); nobody types a number twice.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Q, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.bank.models import (
    AccountKind,
    AlliancePartner,
    PartnerState,
    Redemption,
    RedemptionState,
    Transfer,
    TransferKind,
    TransferState,
)
from jiceng.core.models import Role
from jiceng.core.scope import scope_for
from jiceng.regions.models import Level, Region, ancestor_code


def _day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day`, local time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def regions_subtree_q(regions: list[Region], path: str) -> Q:
    """Rows whose region, reached through `path` ("" for Region itself), lies under one of `regions`."""
    q = Q(pk__in=[])
    for r in regions:
        q |= r.subtree_q(path)
    return q


# ---------------------------------------------------------------- settlement (互联互通)


def region_list_for_reports(user) -> list[Region]:
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


def settlement_get(*, regions: list[Region], start: dt.date, end: dt.date) -> Settlement:
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
    in_scope = Region.objects.filter(regions_subtree_q(regions, ""))
    communities = list(in_scope.filter(level=Level.COMMUNITY).order_by("code"))
    subs = {r.code: r for r in Region.objects.filter(district.subtree_q(), level=Level.SUBDISTRICT)}
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
        .filter(regions_subtree_q(regions, "debit__community"))
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
        .filter(regions_subtree_q(regions, "credit__community"))
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
            "subdistrict": subs.get(c.subdistrict_code),
            "issued": got,
            "reversed": back,
            "net": got - back,
            "awards": row.get("n") or 0,
        }
        rep.communities.append(line)
        agg = by_sub.get(c.subdistrict_code)
        if agg is not None:
            for k in ("issued", "reversed", "net", "awards"):
                agg[k] += line[k]

    collected = Redemption.objects.filter(
        district=district, state=RedemptionState.COLLECTED, resolved_at__gte=lo, resolved_at__lt=hi
    )
    per_partner = {
        row["partner_id"]: row
        for row in collected.filter(regions_subtree_q(regions, "partner__subdistrict"))
        .values("partner_id")
        .annotate(points=Sum("points"), n=Count("id"))
    }
    partners = (
        AlliancePartner.objects.filter(district=district)
        .filter(Q(pk__in=list(per_partner)) | Q(state=PartnerState.APPROVED))
        .filter(regions_subtree_q(regions, "subdistrict"))
        .select_related("organization", "subdistrict")
    )
    for p in sorted(partners, key=lambda p: (p.subdistrict.code, p.organization.name)):
        row = per_partner.get(p.pk, {})
        rep.partners.append({"partner": p, "n": row.get("n") or 0, "points": row.get("points") or 0})
        if p.subdistrict.code in by_sub:
            by_sub[p.subdistrict.code]["redeemed_here"] += row.get("points") or 0

    flows: dict[tuple[str, str], int] = defaultdict(int)
    flow_qs = (
        collected.filter(
            regions_subtree_q(regions, "person__community")
            | regions_subtree_q(regions, "partner__subdistrict")
        )
        .values("person__community__code", "partner__subdistrict__code")
        .annotate(points=Sum("points"))
    )
    for row in flow_qs:
        home = ancestor_code(row["person__community__code"], Level.SUBDISTRICT)
        flows[(home, row["partner__subdistrict__code"])] += row["points"]
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

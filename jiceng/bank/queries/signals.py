"""Fairness signals: patterns worth a look (not proof of anything) for subdistrict and district administrators.

Concentrated approvals (a reviewer whose approvals go mostly to a few people),
near-identical claim texts within a community, and monthly totals that land just
under a rule's cap month after month.
"""

import datetime as dt
import difflib
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from jiceng.bank.models import ClaimState, DeedClaim, Review
from jiceng.bank.queries.reports import regions_subtree_q
from jiceng.core.models import User
from jiceng.people.models import Person
from jiceng.regions.models import Region

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


def _reviewer_signals(regions: list[Region], now: dt.datetime) -> list[dict]:
    """Reviewers whose approvals go mostly to a few people."""
    rows = (
        Review.objects.filter(
            decision=Review.Decision.APPROVE, created_at__gte=now - dt.timedelta(days=REVIEW_WINDOW_DAYS)
        )
        .filter(regions_subtree_q(regions, "claim__community"))
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


def _similar_text_signals(regions: list[Region], now: dt.datetime) -> list[dict]:
    """Near-identical claim texts within one community in the last 90 days."""
    claims = list(
        DeedClaim.objects.filter(created_at__gte=now - dt.timedelta(days=TEXT_WINDOW_DAYS), state__in=_LIVE)
        .filter(regions_subtree_q(regions, "community"))
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


def _cap_signals(regions: list[Region], today: dt.date) -> list[dict]:
    """People whose monthly total under a rule lands just under its monthly cap, month after month."""
    first = today.replace(day=1)
    for _i in range(CAP_WINDOW_MONTHS - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
    rows = (
        DeedClaim.objects.filter(deed_date__gte=first, state__in=_LIVE, rule__cap_month__isnull=False)
        .filter(regions_subtree_q(regions, "community"))
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
    people = Person.objects.select_related("community").in_bulk([f["person_id"] for f in flagged])
    for f in flagged:
        f["person"] = people[f["person_id"]]
    return sorted(flagged, key=lambda f: (-len(f["months"]), f["person"].community.code))


def signals_get(*, regions: list[Region], now: dt.datetime | None = None) -> Signals:
    """Patterns worth a look (not proof of anything): concentrated approvals, copied texts, totals at the cap."""
    now = now or timezone.now()
    if not regions:
        return Signals()
    return Signals(
        reviewers=_reviewer_signals(regions, now),
        similar=_similar_text_signals(regions, now),
        capped=_cap_signals(regions, timezone.localdate(now)),
    )

"""Staffing against population: workers per 10,000 registered residents and the qualified share."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count, Q

from jiceng.people.models import Person
from jiceng.regions.models import PREFIX_LEN, Level, Region
from jiceng.workforce.models import CommunityWorker, EventKind, Qualification, WorkerEvent
from jiceng.workforce.queries.settings import settings_get


@dataclass
class StaffingLine:
    region: Region
    residents: int
    workers: int
    qualified: int
    target: Decimal
    qualified_target: Decimal

    @property
    def per_10k(self) -> float:
        return round(self.workers * 10000 / self.residents, 1) if self.residents else 0.0

    @property
    def share(self) -> float:
        return round(self.qualified / self.workers, 3) if self.workers else 0.0

    @property
    def needed(self) -> int:
        """Workers the target asks for, rounded up."""
        from math import ceil

        return ceil(self.residents * float(self.target) / 10000)

    @property
    def missing(self) -> int:
        return max(0, self.needed - self.workers)

    @property
    def below(self) -> bool:
        return self.per_10k < float(self.target)

    @property
    def below_share(self) -> bool:
        return self.share < float(self.qualified_target)


@dataclass
class StaffingReport:
    region: Region
    total: StaffingLine
    subdistricts: list[StaffingLine]
    communities: list[StaffingLine]
    target: Decimal
    qualified_target: Decimal

    @property
    def flagged(self) -> list[StaffingLine]:
        """Communities below the target, the largest first (most residents waiting on too few workers)."""
        return sorted((c for c in self.communities if c.below), key=lambda c: (-c.residents, c.region.code))


def worker_placement_on(region: Region, on: dt.date) -> dict[int, int]:
    """The workers in post on the day `on` in `region`'s active communities, with the community of each.

    In post: hired on or before `on` and not left by then (leaving on `on` itself ends the post).
    The community is that of their latest hire or placement on or before `on`, read from the
    events (appended, never edited), so a later move does not rewrite a past day.
    """
    placed: dict[int, int] = {}
    events = (
        WorkerEvent.objects.filter(
            worker__district__code=region.district_code,
            worker__hired_on__lte=on,
            kind__in=[EventKind.HIRE, EventKind.PLACEMENT],
            on__lte=on,
        )
        .filter(Q(worker__left_on__isnull=True) | Q(worker__left_on__gt=on))
        .order_by("on", "id")
        .values_list("worker_id", "community_id")
    )
    for worker_id, community_id in events:
        placed[worker_id] = community_id
    inside = set(
        Region.objects.filter(
            region.subtree_q(), level=Level.COMMUNITY, is_active=True, pk__in=set(placed.values())
        ).values_list("pk", flat=True)
    )
    return {w: c for w, c in placed.items() if c in inside}


def staffing_report(
    region: Region,
    year: int,
    on: dt.date | None = None,
    *,
    residents: dict[int, int] | None = None,
    communities: list[Region] | None = None,
) -> StaffingReport:
    """Per community and subdistrict of `region`: residents, workers, per 10,000 and qualified share.

    Workers are those in post now, or with `on` those in post on that day (`worker_placement_on`),
    counting the qualifications they held by then. Residents are the roll as it stands; `residents`
    (active residents per community id) is given by a caller that has counted them already (the
    cockpit's roll-up), so 1M residents are not counted again; `communities` (the active communities
    of `region`) likewise by a caller that has read them. The subdistricts' lines are added up in one
    pass over the communities' lines, whatever their number.
    """
    district = Region.objects.get(code=region.district_code)
    settings = settings_get(district, year)
    target, q_target = settings.staffing_target, settings.qualified_target
    if communities is None:
        communities = list(Region.objects.filter(region.subtree_q(), level=Level.COMMUNITY, is_active=True))
    residents = (
        residents
        if residents is not None
        else dict(
            Person.objects.filter(region.subtree_q("community"), is_active=True)
            .values("community_id")
            .annotate(n=Count("id"))
            .values_list("community_id", "n")
        )
    )
    if on is None:
        active = CommunityWorker.objects.filter(region.subtree_q("community"), left_on__isnull=True)
        workers = dict(active.values("community_id").annotate(n=Count("id")).values_list("community_id", "n"))
        qualified = dict(
            Qualification.objects.filter(worker__in=active)
            .values("worker__community_id")
            .annotate(n=Count("worker_id", distinct=True))
            .values_list("worker__community_id", "n")
        )
    else:
        placed = worker_placement_on(region, on)
        workers = dict(Counter(placed.values()))
        held = set(
            Qualification.objects.filter(worker_id__in=placed, issued_on__lte=on).values_list(
                "worker_id", flat=True
            )
        )
        qualified = dict(Counter(placed[w] for w in held))
    lines = [
        StaffingLine(
            c, residents.get(c.pk, 0), workers.get(c.pk, 0), qualified.get(c.pk, 0), target, q_target
        )
        for c in communities
    ]
    subs = {}
    if region.level in (Level.DISTRICT, Level.SUBDISTRICT):
        by_sub: dict[str, list[StaffingLine]] = {}
        cut = PREFIX_LEN[Level.SUBDISTRICT]
        for line in lines:
            by_sub.setdefault(line.region.code[:cut], []).append(line)
        for s in Region.objects.filter(region.subtree_q(), level=Level.SUBDISTRICT):
            mine = by_sub.get(s.prefix, [])
            subs[s.pk] = StaffingLine(
                s,
                sum(m.residents for m in mine),
                sum(m.workers for m in mine),
                sum(m.qualified for m in mine),
                target,
                q_target,
            )
    total = StaffingLine(
        region,
        sum(m.residents for m in lines),
        sum(m.workers for m in lines),
        sum(m.qualified for m in lines),
        target,
        q_target,
    )
    return StaffingReport(region, total, list(subs.values()), lines, target, q_target)

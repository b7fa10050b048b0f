"""Staffing against population: workers per 10,000 registered residents and the qualified share."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Count

from jiceng.people.models import Person
from jiceng.regions.models import Level, Region
from jiceng.workforce.models import CommunityWorker, Qualification
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


def staffing_report(region: Region, year: int, *, residents: dict[int, int] | None = None) -> StaffingReport:
    """Per community and subdistrict of `region`: residents, workers, per 10,000 and qualified share.

    `residents` (active residents per community id) is given by a caller that has counted them already
    (the cockpit's roll-up), so 1M residents are not counted again."""
    district = Region.objects.get(code=region.district_code)
    settings = settings_get(district, year)
    target, q_target = settings.staffing_target, settings.qualified_target
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
    active = CommunityWorker.objects.filter(region.subtree_q("community"), left_on__isnull=True)
    workers = dict(active.values("community_id").annotate(n=Count("id")).values_list("community_id", "n"))
    qualified = dict(
        Qualification.objects.filter(worker__in=active)
        .values("worker__community_id")
        .annotate(n=Count("worker_id", distinct=True))
        .values_list("worker__community_id", "n")
    )
    lines = [
        StaffingLine(
            c, residents.get(c.pk, 0), workers.get(c.pk, 0), qualified.get(c.pk, 0), target, q_target
        )
        for c in communities
    ]
    subs = {}
    if region.level in (Level.DISTRICT, Level.SUBDISTRICT):
        for s in Region.objects.filter(region.subtree_q(), level=Level.SUBDISTRICT):
            mine = [line for line in lines if s.contains(line.region)]
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

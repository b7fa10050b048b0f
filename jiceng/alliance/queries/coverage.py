"""Reads of new-sector coverage: who has a party organisation, rates per subdistrict, 边建边散."""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import QuerySet

from jiceng.alliance.dates import add_months
from jiceng.alliance.models import BranchState, SectorBranch
from jiceng.orgs.models import Organization
from jiceng.regions.models import Level, Region, ancestor_code

DEFAULT_FADE_MONTHS = 12


@dataclass
class OrgCoverage:
    org: Organization
    branches: list  # SectorBranch rows, newest first

    @property
    def active(self) -> SectorBranch | None:
        return next((b for b in self.branches if b.state == BranchState.ACTIVE), None)

    @property
    def covered(self) -> bool:
        return self.active is not None

    @property
    def latest(self) -> SectorBranch | None:
        return self.branches[0] if self.branches else None

    @property
    def member_count(self) -> int:
        return self.active.member_count if self.active else 0


@dataclass
class CoverageRow:
    region: Region | None
    code: str
    name: str
    total: int = 0
    covered: int = 0
    members: int = 0
    faded: int = 0

    @property
    def rate(self) -> float | None:
        return round(100 * self.covered / self.total, 1) if self.total else None


def coverage_list_by_org(orgs: QuerySet[Organization]) -> list[OrgCoverage]:
    """Every new-sector organisation with the history of its party organisations, newest first."""
    orgs = list(orgs.order_by("region__code", "name"))
    by_org = defaultdict(list)
    for b in SectorBranch.objects.filter(sector_org__in=[o.pk for o in orgs]).order_by("-founded_on", "-pk"):
        by_org[b.sector_org_id].append(b)
    return [OrgCoverage(o, by_org.get(o.pk, [])) for o in orgs]


def sector_branch_is_faded(branch: SectorBranch, months: int) -> bool:
    """Founded, then dissolved or inactive within `months` months (边建边散)."""
    return (
        branch.state != BranchState.ACTIVE
        and branch.ended_on is not None
        and branch.ended_on <= add_months(branch.founded_on, months)
    )


def sector_branch_list_faded(
    branches: QuerySet[SectorBranch], months: int = DEFAULT_FADE_MONTHS
) -> list[SectorBranch]:
    rows = branches.exclude(state=BranchState.ACTIVE).select_related("sector_org__region")
    return [b for b in rows.order_by("-ended_on") if sector_branch_is_faded(b, months)]


def coverage_list_by_subdistrict(
    rows: list[OrgCoverage], months: int = DEFAULT_FADE_MONTHS
) -> list[CoverageRow]:
    """Coverage rate per subdistrict (organisations sitting at district level form their own row)."""
    regions = {}
    table: dict[str, CoverageRow] = {}
    codes = {ancestor_code(r.org.region.code, Level.SUBDISTRICT) for r in rows}
    for region in Region.objects.filter(code__in=codes):
        regions[region.code] = region
    for r in rows:
        code = ancestor_code(r.org.region.code, Level.SUBDISTRICT)
        region = regions.get(code)
        row = table.setdefault(code, CoverageRow(region, code, region.name if region else code))
        row.total += 1
        if r.covered:
            row.covered += 1
            row.members += r.member_count
        if any(sector_branch_is_faded(b, months) for b in r.branches):
            row.faded += 1
    return [table[c] for c in sorted(table)]


def coverage_sum(rows: list[CoverageRow]) -> CoverageRow:
    total = CoverageRow(None, "", "")
    for r in rows:
        total.total += r.total
        total.covered += r.covered
        total.members += r.members
        total.faded += r.faded
    return total

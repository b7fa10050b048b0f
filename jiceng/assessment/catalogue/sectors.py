"""New-sector indicators: office buildings, parks and markets with a party organisation, and 边建边散.

Covered and faded are read as `alliance/queries/coverage.py` defines them, judged on the period's
last day so a past period is not rewritten by what happened after it.
"""

from jiceng.alliance.models import SectorBranch
from jiceng.alliance.queries.coverage import DEFAULT_FADE_MONTHS, sector_branch_is_faded
from jiceng.assessment.catalogue.registry import Result, computation, ids, share
from jiceng.orgs.models import Kind, Organization
from jiceng.regions.models import Region


def _sector_orgs(region: Region) -> list[int]:
    return list(
        Organization.objects.filter(region.subtree_q("region"), kind=Kind.NEW_SECTOR, is_active=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@computation(
    code="sectors.coverage",
    name="新兴领域党组织覆盖率",
    description="辖区内有效的商务楼宇、园区和商圈市场中，考核期最后一天有正常运转的党组织"
    "（当天已成立、尚未撤销或停止活动）的比例",
    unit="%",
    floor=50,
    target=100,
)
def coverage(region: Region, start, end) -> Result:
    orgs = _sector_orgs(region)
    alive = list(
        SectorBranch.objects.filter(sector_org__in=orgs, founded_on__lte=end)
        .exclude(ended_on__lte=end)
        .values_list("pk", "sector_org_id")
    )
    covered = {o for _pk, o in alive}
    records = ids("orgs.Organization", orgs) + ids("alliance.SectorBranch", [pk for pk, _o in alive])
    return Result(share(len(covered), len(orgs)), records)


@computation(
    code="sectors.faded",
    name="新兴领域党组织边建边散（扣分指标）",
    description="辖区内有效的商务楼宇、园区和商圈市场中，有党组织成立后"
    f"{DEFAULT_FADE_MONTHS}个月内撤销或停止活动、且撤销或停止日期落在考核期内的组织个数；按个数扣分，每个扣多少分见考核方案",
    unit="个",
    rule="per_event",
    base_points=100,
    per_event=-25,
)
def faded(region: Region, start, end) -> Result:
    branches = [
        b
        for b in SectorBranch.objects.filter(
            sector_org__in=_sector_orgs(region), ended_on__gte=start, ended_on__lte=end
        )
        if sector_branch_is_faded(b, DEFAULT_FADE_MONTHS)
    ]
    return Result(
        len({b.sector_org_id for b in branches}), ids("alliance.SectorBranch", [b.pk for b in branches])
    )

"""New-sector indicators: office buildings, parks and markets with a party organisation, and 边建边散.

Covered and faded are read as `alliance/queries/coverage.py` defines them, judged on the period's
last day so a past period is not rewritten by what happened after it.
"""

from jiceng.alliance.models import SectorBranch
from jiceng.alliance.queries.coverage import DEFAULT_FADE_MONTHS, sector_branch_is_faded
from jiceng.assessment.catalogue.registry import Result, Subtrees, batch_of, computation, ids, share
from jiceng.orgs.models import Kind, Organization
from jiceng.regions.models import Region


def _sector_orgs(q) -> list[tuple[int, int]]:
    """The active new-sector organisations under `q`, with the region of each, by id."""
    return list(
        Organization.objects.filter(q, kind=Kind.NEW_SECTOR, is_active=True)
        .order_by("pk")
        .values_list("pk", "region_id")
    )


def _alive(orgs: list[int], end) -> list[tuple[int, int]]:
    return list(
        SectorBranch.objects.filter(sector_org__in=orgs, founded_on__lte=end)
        .exclude(ended_on__lte=end)
        .values_list("pk", "sector_org_id")
    )


def _coverage(orgs: list[int], alive: list[tuple[int, int]]) -> Result:
    covered = {o for _pk, o in alive}
    records = ids("orgs.Organization", orgs) + ids("alliance.SectorBranch", [pk for pk, _o in alive])
    return Result(share(len(covered), len(orgs)), records)


def _by_subject(tree: Subtrees) -> dict[int, list[int]]:
    return {
        pk: [o for (o,) in found] for pk, found in tree.spread(_sector_orgs(tree.within("region"))).items()
    }


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
    orgs = [pk for pk, _r in _sector_orgs(region.subtree_q("region"))]
    return _coverage(orgs, _alive(orgs, end))


@batch_of("sectors.coverage")
def coverage_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    tree = Subtrees(subjects)
    orgs = _by_subject(tree)
    alive = _alive(sorted({o for found in orgs.values() for o in found}), end)
    out = {}
    for pk, found in orgs.items():
        mine = set(found)
        out[pk] = _coverage(found, [(b, o) for b, o in alive if o in mine])
    return out


def _faded(orgs: list[int], start, end) -> list[SectorBranch]:
    return [
        b
        for b in SectorBranch.objects.filter(sector_org__in=orgs, ended_on__gte=start, ended_on__lte=end)
        if sector_branch_is_faded(b, DEFAULT_FADE_MONTHS)
    ]


def _faded_count(branches: list[SectorBranch]) -> Result:
    return Result(
        len({b.sector_org_id for b in branches}), ids("alliance.SectorBranch", [b.pk for b in branches])
    )


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
    orgs = [pk for pk, _r in _sector_orgs(region.subtree_q("region"))]
    return _faded_count(_faded(orgs, start, end))


@batch_of("sectors.faded")
def faded_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    tree = Subtrees(subjects)
    orgs = _by_subject(tree)
    branches = _faded(sorted({o for found in orgs.values() for o in found}), start, end)
    out = {}
    for pk, found in orgs.items():
        mine = set(found)
        out[pk] = _faded_count([b for b in branches if b.sector_org_id in mine])
    return out

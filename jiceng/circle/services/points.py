"""Importing residential points: a file replaces the points in the importer's scope."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.circle.errors import ImportRejected
from jiceng.circle.models import PointSource, ResidentialPoint
from jiceng.circle.services.common import Progress, community_map, district_of, grid_map
from jiceng.circle.tables import district_extent, parse_coordinates, parse_count, row_error
from jiceng.core.audit import audit
from jiceng.core.tabular import TableError, formula_problems, read_table, require_columns
from jiceng.core.validators import ascii_normalize
from jiceng.regions.models import Level, Region

POINT_COLUMNS = ["经度", "纬度", "户数", "人数", "楼栋名称", "社区代码", "网格编号"]
POINT_REQUIRED = ["经度", "纬度"]
POINT_TEXT_COLUMNS = ["楼栋名称"]  # coordinates, counts and codes have their own rules


@dataclass
class PointRow:
    number: int
    community: Region | None
    lon: float
    lat: float
    households: int | None
    residents: int | None
    building: str
    grid: Region | None = None


def _grid_of_row(
    value: str, community: Region | None, scope_region: Region, grids: dict[str, Region]
) -> tuple[Region | None, str]:
    """The grid a row names in 网格编号 (a number in its community, or a 15-digit grid code).

    Returns (grid, problem); a blank cell is no grid and no problem.
    """
    value = ascii_normalize(value)
    if not value:
        return None, ""
    if value.isdigit() and len(value) == 15:
        grid = grids.get(value)
        if grid is None:
            return None, _("网格 %(g)s 不存在或不在您的管辖范围内") % {"g": value}
        if community is not None and grid.parent_id != community.pk:
            return None, _("网格 %(g)s（%(n)s）属于%(o)s，不属于社区代码 %(c)s 的%(cn)s") % {
                "g": value,
                "n": grid.name,
                "o": grid.parent.name,
                "c": community.code,
                "cn": community.name,
            }
        return grid, ""
    if not (value.isdigit() and 1 <= int(value) <= 999):
        return None, _("网格编号“%(v)s”应为 1 到 999 的数字，或 15 位网格代码") % {"v": value}
    if community is None and scope_region.level == Level.COMMUNITY:
        community = scope_region
    if community is None:
        return None, _("填写了网格编号 %(v)s，请同时填写社区代码，或改填 15 位网格代码") % {"v": value}
    grid = grids.get(community.code + f"{int(value):03d}")
    if grid is None:
        return None, _("%(c)s没有编号为 %(v)s 的网格，请先导入网格或改正编号") % {
            "c": community.name,
            "v": int(value),
        }
    return grid, ""


def _nearest_community(communities: list[Region]):
    """A function (lon, lat) -> the community with the nearest centroid, or None."""
    placed = [c for c in communities if c.lon is not None and c.lat is not None]
    if not placed:
        return lambda lon, lat: None
    from scipy.spatial import cKDTree

    from jiceng.circle.network import LocalProjection

    proj = LocalProjection(placed[0].lon, placed[0].lat)
    tree = cKDTree(proj.forward([c.lon for c in placed], [c.lat for c in placed]))

    def nearest(lon, lat):
        _d, i = tree.query(proj.forward(lon, lat), k=1)
        return [placed[int(j)] for j in np.atleast_1d(i)]

    return nearest


def validate_point_rows(
    data: bytes, filename: str, scope_region: Region, progress: Progress = None
) -> list[PointRow]:
    """Parse and check every row of a residential-points table; raise ImportRejected on any bad row.

    A row without 社区代码 is given to the community whose centre is nearest (among
    those in the importer's scope), or to the importer's own community.
    """
    try:
        header, rows = read_table(data, filename)
        require_columns(header, POINT_REQUIRED)
        if "户数" not in header and "人数" not in header:
            raise TableError(_("缺少“户数”或“人数”列（至少要有一列）"))
    except TableError as exc:
        raise ImportRejected([str(exc)]) from None
    if not rows:
        raise ImportRejected([_("文件中没有数据行")])
    communities = community_map(scope_region)
    grids = grid_map(scope_region)
    network = district_extent(scope_region.district_code)  # checked even before a network exists
    errors: list[str] = []
    out: list[PointRow] = []
    unassigned: list[PointRow] = []
    for i, (number, rec) in enumerate(rows):
        problems: list[str] = formula_problems(rec, POINT_TEXT_COLUMNS)
        coords = None
        try:
            coords = parse_coordinates(rec.get("经度", ""), rec.get("纬度", ""), network)
        except ValueError as exc:
            problems.append(str(exc))
        counts = {}
        for key, column in (("households", "户数"), ("residents", "人数")):
            try:
                counts[key] = parse_count(rec.get(column, ""), column)
            except ValueError as exc:
                problems.append(str(exc))
                counts[key] = 0
        if counts["households"] is None and counts["residents"] is None:
            problems.append(_("户数和人数至少填写一项"))
        code = ascii_normalize(rec.get("社区代码", ""))
        community = None
        if code:
            community = communities.get(code)
            if community is None:
                problems.append(_("社区代码 %(c)s 不存在或不在您的管辖范围内") % {"c": code})
        grid, problem = _grid_of_row(rec.get("网格编号", ""), community, scope_region, grids)
        if problem:
            problems.append(problem)
        elif grid is not None and community is None:
            community = grid.parent  # a full grid code says which community the point is in
        building = rec.get("楼栋名称", "").strip()
        if len(building) > 100:
            problems.append(_("楼栋名称超过 100 字"))
        if problems:
            errors.append(row_error(number, problems))
        elif not errors:
            row = PointRow(
                number,
                community,
                coords[0],
                coords[1],
                counts["households"],
                counts["residents"],
                building,
                grid,
            )
            out.append(row)
            if community is None:
                unassigned.append(row)
        if progress and i % 1000 == 0:
            progress(i, len(rows))
    if progress:
        progress(len(rows), len(rows))
    if unassigned and not errors:
        errors.extend(_assigncommunity_map(unassigned, scope_region, list(communities.values())))
    if errors:
        raise ImportRejected(errors)
    return out


def _assigncommunity_map(rows: list[PointRow], scope_region: Region, communities: list[Region]) -> list[str]:
    if scope_region.level == Level.COMMUNITY:
        for r in rows:
            r.community = scope_region
        return []
    nearest = _nearest_community(communities)
    found = nearest([r.lon for r in rows], [r.lat for r in rows])
    if found is None:
        if scope_region.level == Level.DISTRICT:
            return []  # counted in the district's figures only
        return [
            row_error(r.number, [_("请填写社区代码：本辖区的社区还没有中心点坐标，无法自动归属")])
            for r in rows
        ]
    for r, c in zip(rows, found, strict=True):
        r.community = c
    return []


@dataclass
class PointImportSummary:
    rows: int = 0
    created: int = 0
    replaced: int = 0
    assigned: int = 0


def points_import(
    *, data: bytes, filename: str, scope_region: Region, actor, progress: Progress = None
) -> PointImportSummary:
    """Import residential points from .xlsx/.csv, replacing those already in the importer's scope.

    All rows or none. Replacing (rather than adding) makes a re-import of the same
    file harmless and retires the demo's synthetic points once real ones arrive.
    """
    rows = validate_point_rows(data, filename, scope_region, progress)
    return _points_write(rows, filename=filename, scope_region=scope_region, actor=actor)


@transaction.atomic
def _points_write(rows: list, *, filename: str, scope_region: Region, actor) -> PointImportSummary:
    # The rows were checked before this transaction opened, so the job showed progress meanwhile.
    district = district_of(scope_region)
    old = _points_in_scope(district, scope_region)
    replaced = old.count()
    old.delete()
    ResidentialPoint.objects.bulk_create(
        [
            ResidentialPoint(
                district=district,
                community=r.community,
                lon=r.lon,
                lat=r.lat,
                households=r.households,
                residents=r.residents,
                building=r.building,
                grid=r.grid,
                source=PointSource.IMPORTED,
            )
            for r in rows
        ],
        batch_size=2000,
    )
    summary = PointImportSummary(rows=len(rows), created=len(rows), replaced=replaced)
    audit(
        actor,
        "circle.points_import",
        scope_region,
        after={"file": filename, "created": summary.created, "replaced": replaced},
    )
    return summary


def _points_in_scope(district: Region, scope_region: Region):
    qs = ResidentialPoint.objects.filter(district=district)
    if scope_region.level == Level.DISTRICT:
        return qs
    return qs.filter(scope_region.subtree_q("community"))

"""Grids: importing the grid list with each grid's worker (all rows or none), and placing households."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.core.audit import audit
from jiceng.core.models import Role, RoleGrant, User
from jiceng.core.tabular import TableError, formula_problems, read_table, require_columns
from jiceng.core.validators import ascii_normalize, validate_phone
from jiceng.linkage.errors import LinkageError
from jiceng.linkage.models import GridHousehold
from jiceng.people.models import Household
from jiceng.regions.models import Level, Region

COLUMNS = ["社区代码", "网格编号", "网格名称", "网格员姓名", "网格员手机号"]
REQUIRED = COLUMNS
TEXT_COLUMNS = ["网格名称", "网格员姓名"]


class GridImportRejected(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(_("导入被拒绝：共 %(n)d 处错误，未写入任何数据") % {"n": len(errors)})


@dataclass
class GridRow:
    number: int
    community: Region
    code: str
    name: str
    worker_name: str
    worker_phone: str


@dataclass
class GridImportSummary:
    created: int = 0
    updated: int = 0
    workers_created: int = 0
    rows: int = 0
    errors: list[str] = field(default_factory=list)


def grid_rows_validate(
    data: bytes, filename: str, scope_region: Region, progress: Callable[[int, int], None] | None = None
) -> list[GridRow]:
    """Parse and check every row; raise GridImportRejected listing every bad row with its number."""
    try:
        header, rows = read_table(data, filename)
        require_columns(header, REQUIRED)
    except TableError as exc:
        raise GridImportRejected([str(exc)]) from None
    communities = {
        r.code: r
        for r in Region.objects.filter(scope_region.subtree_q(), level=Level.COMMUNITY, is_active=True)
    }
    errors: list[str] = []
    out: list[GridRow] = []
    seen_codes: dict[str, int] = {}
    seen_phones: dict[str, int] = {}
    for number, rec in rows:
        problems = formula_problems(rec, TEXT_COLUMNS)
        code = ascii_normalize(rec.get("社区代码", ""))
        community = communities.get(code)
        if community is None:
            problems.append(_("社区代码 %(c)s 不存在或不在您的管辖范围内") % {"c": code})
        grid_no = ascii_normalize(rec.get("网格编号", ""))
        if not grid_no.isdigit() or not 1 <= int(grid_no) <= 999:
            problems.append(_("网格编号应为 1 到 999 的数字"))
            grid_code = ""
        else:
            grid_code = code + f"{int(grid_no):03d}"
            if grid_code in seen_codes:
                problems.append(_("网格编号与第 %(n)d 行重复") % {"n": seen_codes[grid_code]})
            seen_codes.setdefault(grid_code, number)
        name = rec.get("网格名称", "")
        if not name or len(name) > 100:
            problems.append(_("网格名称为空或超过 100 字"))
        worker = rec.get("网格员姓名", "")
        if not worker or len(worker) > 50:
            problems.append(_("网格员姓名为空或超过 50 字"))
        phone = ""
        try:
            phone = validate_phone(rec.get("网格员手机号", ""))
        except ValidationError as exc:
            problems.append(_("网格员手机号：%(e)s") % {"e": exc.messages[0]})
        if phone:
            if phone in seen_phones:
                problems.append(
                    _("网格员手机号与第 %(n)d 行重复：一名网格员负责一个网格") % {"n": seen_phones[phone]}
                )
            seen_phones.setdefault(phone, number)
        if problems:
            errors.append(_("第 %(n)d 行：%(p)s") % {"n": number, "p": "；".join(problems)})
        else:
            out.append(GridRow(number, community, grid_code, name, worker, phone))
    if progress:
        progress(len(rows), len(rows))
    if not rows:
        errors.append(_("文件中没有数据行"))
    if errors:
        raise GridImportRejected(errors)
    return out


def grid_import(
    *, data: bytes, filename: str, scope_region: Region, actor, progress=None
) -> GridImportSummary:
    """Import grids and their workers from .xlsx/.csv: all rows or none.

    A known grid (same community and number) is renamed and gets the new worker; a worker is
    found by phone, or a new login is made for them (the password is set by an administrator).
    """
    rows = grid_rows_validate(data, filename, scope_region, progress)
    return _grid_write(rows, filename=filename, actor=actor)


@transaction.atomic
def _grid_write(rows: list[GridRow], *, filename: str, actor) -> GridImportSummary:
    summary = GridImportSummary(rows=len(rows))
    existing = {g.code: g for g in Region.objects.filter(code__in=[r.code for r in rows])}
    for r in rows:
        grid = existing.get(r.code)
        if grid is None:
            grid = Region.objects.create(code=r.code, name=r.name, level=Level.GRID, parent=r.community)
            summary.created += 1
        else:
            grid.name = r.name
            grid.is_active = True
            grid.save(update_fields=["name", "is_active"])
            summary.updated += 1
        user = User.objects.filter(phone=r.worker_phone).first()
        if user is None:
            user = User(username=f"grid{r.worker_phone}", phone=r.worker_phone, display_name=r.worker_name)
            user.set_unusable_password()
            user.save()
            summary.workers_created += 1
        RoleGrant.objects.filter(role=Role.GRID_WORKER, region=grid).exclude(user=user).delete()
        RoleGrant.objects.filter(role=Role.GRID_WORKER, user=user).exclude(region=grid).delete()
        RoleGrant.objects.get_or_create(user=user, role=Role.GRID_WORKER, region=grid)
    audit(actor, "linkage.grid_import", None, after={"file": filename, "rows": len(rows)})
    return summary


@transaction.atomic
def household_assign(*, households: list[Household], grid: Region, actor) -> int:
    """Place households in `grid` (moving them from any other grid); only households of its community."""
    if grid.level != Level.GRID:
        raise LinkageError(_("请选择一个网格。"))
    for h in households:
        if h.community_id != grid.parent_id:
            raise LinkageError(
                _("户 %(n)s 不属于%(c)s，不能划入这个网格。") % {"n": h.number, "c": grid.parent.name}
            )
    for h in households:
        GridHousehold.objects.update_or_create(
            household=h, defaults={"grid": grid, "district_id": h.district_id}
        )
    audit(actor, "linkage.household_assign", grid, after={"households": [h.number for h in households]})
    return len(households)

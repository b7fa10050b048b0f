"""Importing service places, and their photos."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.circle.errors import CircleError, ImportRejected
from jiceng.circle.models import PlacePhoto, ServicePlace, split_services
from jiceng.circle.services.common import Progress, community_map, district_of
from jiceng.circle.tables import (
    district_extent,
    parse_area,
    parse_coordinates,
    parse_hours,
    parse_kind,
    read_rows,
    row_error,
)
from jiceng.core.audit import audit
from jiceng.core.tabular import formula_problems
from jiceng.core.validators import ascii_normalize
from jiceng.regions.models import Region

PLACE_COLUMNS = ["名称", "类型", "经度", "纬度", "地址", "社区代码", "开放时间", "服务内容", "面积"]
PLACE_REQUIRED = ["名称", "类型", "经度", "纬度", "社区代码"]
PLACE_TEXT_COLUMNS = ["名称", "类型", "地址", "服务内容"]  # coordinates, area, hours, codes: their own rules


@dataclass
class PlaceRow:
    number: int
    community: Region
    name: str
    kind: str
    lon: float
    lat: float
    address: str
    always_open: bool
    opens_at: dt.time | None
    closes_at: dt.time | None
    services: str
    floor_area: Decimal | None


def validate_place_rows(
    data: bytes, filename: str, scope_region: Region, progress: Progress = None
) -> list[PlaceRow]:
    """Parse and check every row of a places table; raise ImportRejected listing every bad row."""
    rows = read_rows(data, filename, PLACE_REQUIRED)
    communities = community_map(scope_region)
    network = district_extent(scope_region.district_code)  # checked even before a network exists
    errors: list[str] = []
    out: list[PlaceRow] = []
    seen: dict[tuple[str, str], int] = {}
    for i, (number, rec) in enumerate(rows):
        problems: list[str] = formula_problems(rec, PLACE_TEXT_COLUMNS)
        name = rec.get("名称", "").strip()
        if not name or len(name) > 100:
            problems.append(_("名称为空或超过 100 字"))
        kind = hours = coords = area = None
        try:
            kind = parse_kind(rec.get("类型", ""))
        except ValueError as exc:
            problems.append(str(exc))
        try:
            coords = parse_coordinates(rec.get("经度", ""), rec.get("纬度", ""), network)
        except ValueError as exc:
            problems.append(str(exc))
        code = ascii_normalize(rec.get("社区代码", ""))
        community = communities.get(code)
        if community is None:
            problems.append(_("社区代码 %(c)s 不存在或不在您的管辖范围内") % {"c": code or "（空）"})
        try:
            hours = parse_hours(rec.get("开放时间", ""))
        except ValueError as exc:
            problems.append(str(exc))
        try:
            area = parse_area(rec.get("面积", ""))
        except ValueError as exc:
            problems.append(str(exc))
        if name and community is not None:
            key = (community.code, name)
            if key in seen:
                problems.append(_("与第 %(n)d 行是同一社区的同名阵地") % {"n": seen[key]})
            seen.setdefault(key, number)
        if problems:
            errors.append(row_error(number, problems))
        else:
            out.append(
                PlaceRow(
                    number=number,
                    community=community,
                    name=name,
                    kind=kind,
                    lon=coords[0],
                    lat=coords[1],
                    address=rec.get("地址", "").strip()[:200],
                    always_open=hours[0],
                    opens_at=hours[1],
                    closes_at=hours[2],
                    services="、".join(split_services(rec.get("服务内容", ""))),
                    floor_area=area,
                )
            )
        if progress and i % 200 == 0:
            progress(i, len(rows))
    if progress:
        progress(len(rows), len(rows))
    if errors:
        raise ImportRejected(errors)
    return out


@dataclass
class PlaceImportSummary:
    rows: int = 0
    created: int = 0
    updated: int = 0


def places_import(
    *, data: bytes, filename: str, scope_region: Region, actor, progress: Progress = None
) -> PlaceImportSummary:
    """Import service places from .xlsx/.csv: all rows or none.

    A place with the same name in the same community is updated, not duplicated.
    """
    rows = validate_place_rows(data, filename, scope_region, progress)
    return _places_write(rows, filename=filename, scope_region=scope_region, actor=actor)


@transaction.atomic
def _places_write(rows: list, *, filename: str, scope_region: Region, actor) -> PlaceImportSummary:
    # The rows were checked before this transaction opened, so the job showed progress meanwhile.
    district = district_of(scope_region)
    existing = {
        (p.community_id, p.name): p
        for p in ServicePlace.objects.filter(community_id__in={r.community.id for r in rows})
    }
    fields = [
        "kind",
        "lon",
        "lat",
        "address",
        "always_open",
        "opens_at",
        "closes_at",
        "services",
        "floor_area",
    ]
    creates, updates = [], []
    now = timezone.now()
    for r in rows:
        place = existing.get((r.community.id, r.name))
        if place is None:
            place = ServicePlace(district=district, community=r.community, name=r.name)
            creates.append(place)
        else:
            updates.append(place)
        for f in fields:
            setattr(place, f, getattr(r, f))
        place.updated_at = now
    ServicePlace.objects.bulk_create(creates, batch_size=1000)
    ServicePlace.objects.bulk_update(updates, [*fields, "updated_at"], batch_size=1000)
    summary = PlaceImportSummary(rows=len(rows), created=len(creates), updated=len(updates))
    audit(
        actor,
        "circle.places_import",
        scope_region,
        after={"file": filename, "created": summary.created, "updated": summary.updated},
    )
    return summary


@transaction.atomic
def place_photo_add(*, place: ServicePlace, image, caption: str = "", actor=None) -> PlacePhoto:
    """Attach a photo to a service place."""
    if place.photos.count() >= 20:
        raise CircleError(_("每个阵地最多保存 20 张照片，请在后台删除旧照片后再上传"))
    photo = PlacePhoto.objects.create(place=place, image=image, caption=caption[:100])
    audit(actor, "circle.place_photo_add", place, after={"photo": photo.image.name})
    return photo

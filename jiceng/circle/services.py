"""Writes of the 15-minute service circle: the walking network, places, residential points.

Imports follow the rule of every import in Jiceng: each row is checked first, and a
file with any bad row writes nothing and lists every bad row as "第 N 行：reason".
"""

from __future__ import annotations

import datetime as dt
import math
import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.circle.models import (
    PlaceKind,
    PlacePhoto,
    PointSource,
    ResidentialPoint,
    ServicePlace,
    WalkNetwork,
    network_dir,
    split_services,
)
from jiceng.circle.network import NetworkImportError, WalkGraph, import_pbf
from jiceng.core.audit import audit, snapshot
from jiceng.core.tabular import TableError, read_table, require_columns
from jiceng.regions.models import Level, Region, prefix_range

Progress = Callable[[int, int], None] | None

PLACE_COLUMNS = ["名称", "类型", "经度", "纬度", "地址", "社区代码", "开放时间", "服务内容", "面积"]
PLACE_REQUIRED = ["名称", "类型", "经度", "纬度", "社区代码"]
POINT_COLUMNS = ["经度", "纬度", "户数", "人数", "楼栋名称", "社区代码"]
POINT_REQUIRED = ["经度", "纬度"]
CANDIDATE_COLUMNS = ["名称", "经度", "纬度"]


class CircleError(Exception):
    """A write of the service circle was refused; the message says what to do."""


class ImportRejected(CircleError):
    """The file had bad rows; nothing was written. ``errors`` lists every one."""

    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__(_("导入被拒绝：共 %(n)d 处错误，未写入任何数据") % {"n": len(errors)})


# --------------------------------------------------------------------------- parsing cells


def _norm(text: str) -> str:
    return (
        text.replace(" ", "")
        .replace("\u3000", "")
        .replace("（", "(")
        .replace("）", ")")
        .replace("－", "-")
        .lower()
    )


KIND_ALIASES: dict[str, str] = {}
for _value, _label in PlaceKind.choices:
    KIND_ALIASES[_norm(str(_label))] = _value
    KIND_ALIASES[_norm(_value)] = _value
for _alias, _value in {
    "区级党群服务中心": PlaceKind.CENTRE_DISTRICT,
    "区党群服务中心": PlaceKind.CENTRE_DISTRICT,
    "街道党群服务中心": PlaceKind.CENTRE_SUBDISTRICT,
    "街道级党群服务中心": PlaceKind.CENTRE_SUBDISTRICT,
    "社区党群服务中心": PlaceKind.CENTRE_COMMUNITY,
    "社区级党群服务中心": PlaceKind.CENTRE_COMMUNITY,
    "党群服务站": PlaceKind.CENTRE_COMMUNITY,
    "组织生活基地": PlaceKind.ORG_LIFE_BASE,
}.items():
    KIND_ALIASES[_norm(_alias)] = _value


def parse_kind(text: str) -> str:
    kind = KIND_ALIASES.get(_norm(text))
    if kind is None:
        raise ValueError(
            _("类型“%(v)s”无法识别，应为：%(k)s")
            % {"v": text, "k": "、".join(str(label) for _v, label in PlaceKind.choices)}
        )
    return kind


_ALWAYS = {"全天", "全天开放", "24小时", "24小时开放", "00:00-24:00", "0:00-24:00", "24h", "全天候"}
_TIME = r"(\d{1,2})[:：](\d{2})(?:[:：]\d{2})?"
_RANGE = re.compile(rf"^(?:每天|每日)?{_TIME}\s*(?:-|–|—|~|～|至|到)\s*{_TIME}$")


def parse_hours(text: str) -> tuple[bool, dt.time | None, dt.time | None]:
    """(always_open, opens_at, closes_at) from "全天" or "08:30-20:00"; blank means unknown."""
    raw = text.strip()
    if not raw:
        return False, None, None
    compact = _norm(raw).replace("：", ":")
    if compact in _ALWAYS:
        return True, None, None
    m = _RANGE.match(compact)
    bad = ValueError(_("开放时间“%(v)s”无法识别，请写成“全天”或“08:30-20:00”") % {"v": raw})
    if not m:
        raise bad
    h1, m1, h2, m2 = (int(g) for g in m.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2 != 0):
        raise bad
    opens = dt.time(h1, m1)
    closes = dt.time(0, 0) if h2 == 24 else dt.time(h2, m2)
    if opens == closes:
        if opens == dt.time(0, 0):
            return True, None, None
        raise ValueError(_("开放时间“%(v)s”的开门与关门时间相同") % {"v": raw})
    return False, opens, closes


def parse_coordinates(lon_text: str, lat_text: str, network: WalkNetwork | None) -> tuple[float, float]:
    """Longitude and latitude (WGS-84) of a row, checked against the district's network."""
    problems = []
    values = []
    for text, what, bound in ((lon_text, _("经度"), 180), (lat_text, _("纬度"), 90)):
        try:
            value = float(text.replace("°", "").strip())
        except ValueError:
            problems.append(_("%(w)s“%(v)s”不是数字") % {"w": what, "v": text})
            continue
        if not math.isfinite(value) or abs(value) > bound:
            problems.append(
                _("%(w)s %(v)s 超出 WGS-84 取值范围（-%(b)d～%(b)d）") % {"w": what, "v": text, "b": bound}
            )
            continue
        values.append(value)
    if problems:
        raise ValueError("；".join(problems))
    lon, lat = values
    if network is not None and not network.contains(lon, lat):
        raise ValueError(
            _(
                "坐标（%(lon)s, %(lat)s）在本区路网范围之外（经度 %(x0).4f～%(x1).4f，纬度 %(y0).4f～%(y1).4f），"
                "请检查经纬度是否填反，或是否用了高德/腾讯地图的 GCJ-02 坐标（须为 WGS-84）"
            )
            % {
                "lon": lon_text,
                "lat": lat_text,
                "x0": network.min_lon,
                "x1": network.max_lon,
                "y0": network.min_lat,
                "y1": network.max_lat,
            }
        )
    return lon, lat


def _count(text: str, what: str) -> int | None:
    raw = text.replace(",", "").replace("，", "").strip()
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(_("%(w)s“%(v)s”不是整数") % {"w": what, "v": text}) from None
    if value != value.to_integral_value() or value < 0:
        raise ValueError(_("%(w)s“%(v)s”应为不小于 0 的整数") % {"w": what, "v": text})
    if value > 1_000_000:
        raise ValueError(_("%(w)s %(v)s 过大，请检查") % {"w": what, "v": text})
    return int(value)


def _area(text: str) -> Decimal | None:
    raw = re.sub(r"(平方米|㎡|m2|m²)$", "", text.replace(",", "").strip())
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(_("面积“%(v)s”不是数字（单位：平方米）") % {"v": text}) from None
    if not value.is_finite() or value < 0 or value >= Decimal("1e8"):
        raise ValueError(_("面积“%(v)s”应为不小于 0 的平方米数") % {"v": text})
    return value.quantize(Decimal("0.01"))


def _read(data: bytes, filename: str, required: list[str]) -> list[tuple[int, dict[str, str]]]:
    try:
        header, rows = read_table(data, filename)
        require_columns(header, required)
    except TableError as exc:
        raise ImportRejected([str(exc)]) from None
    if not rows:
        raise ImportRejected([_("文件中没有数据行")])
    return rows


def _row_error(number: int, problems: list[str]) -> str:
    return _("第 %(n)d 行：%(p)s") % {"n": number, "p": "；".join(problems)}


def _communities(scope_region: Region) -> dict[str, Region]:
    return {
        r.code: r
        for r in Region.objects.filter(
            prefix_range(scope_region.prefix), level=Level.COMMUNITY, is_active=True
        )
    }


def district_of(region: Region) -> Region:
    return Region.objects.get(code=region.district_code)


# --------------------------------------------------------------------------- places


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
    rows = _read(data, filename, PLACE_REQUIRED)
    communities = _communities(scope_region)
    network = WalkNetwork.objects.filter(district__code=scope_region.district_code).first()
    errors: list[str] = []
    out: list[PlaceRow] = []
    seen: dict[tuple[str, str], int] = {}
    for i, (number, rec) in enumerate(rows):
        problems: list[str] = []
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
        code = rec.get("社区代码", "").strip()
        community = communities.get(code)
        if community is None:
            problems.append(_("社区代码 %(c)s 不存在或不在您的管辖范围内") % {"c": code or "（空）"})
        try:
            hours = parse_hours(rec.get("开放时间", ""))
        except ValueError as exc:
            problems.append(str(exc))
        try:
            area = _area(rec.get("面积", ""))
        except ValueError as exc:
            problems.append(str(exc))
        if name and community is not None:
            key = (community.code, name)
            if key in seen:
                problems.append(_("与第 %(n)d 行是同一社区的同名阵地") % {"n": seen[key]})
            seen.setdefault(key, number)
        if problems:
            errors.append(_row_error(number, problems))
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


@transaction.atomic
def places_import(
    *, data: bytes, filename: str, scope_region: Region, actor, progress: Progress = None
) -> PlaceImportSummary:
    """Import service places from .xlsx/.csv: all rows or none.

    A place with the same name in the same community is updated, not duplicated.
    """
    rows = validate_place_rows(data, filename, scope_region, progress)
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


# --------------------------------------------------------------------------- residential points


@dataclass
class PointRow:
    number: int
    community: Region | None
    lon: float
    lat: float
    households: int | None
    residents: int | None
    building: str


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
    communities = _communities(scope_region)
    network = WalkNetwork.objects.filter(district__code=scope_region.district_code).first()
    errors: list[str] = []
    out: list[PointRow] = []
    unassigned: list[PointRow] = []
    for i, (number, rec) in enumerate(rows):
        problems: list[str] = []
        coords = None
        try:
            coords = parse_coordinates(rec.get("经度", ""), rec.get("纬度", ""), network)
        except ValueError as exc:
            problems.append(str(exc))
        counts = {}
        for key, column in (("households", "户数"), ("residents", "人数")):
            try:
                counts[key] = _count(rec.get(column, ""), column)
            except ValueError as exc:
                problems.append(str(exc))
                counts[key] = 0
        if counts["households"] is None and counts["residents"] is None:
            problems.append(_("户数和人数至少填写一项"))
        code = rec.get("社区代码", "").strip()
        community = None
        if code:
            community = communities.get(code)
            if community is None:
                problems.append(_("社区代码 %(c)s 不存在或不在您的管辖范围内") % {"c": code})
        building = rec.get("楼栋名称", "").strip()
        if len(building) > 100:
            problems.append(_("楼栋名称超过 100 字"))
        if problems:
            errors.append(_row_error(number, problems))
        elif not errors:
            row = PointRow(
                number, community, coords[0], coords[1], counts["households"], counts["residents"], building
            )
            out.append(row)
            if community is None:
                unassigned.append(row)
        if progress and i % 1000 == 0:
            progress(i, len(rows))
    if progress:
        progress(len(rows), len(rows))
    if unassigned and not errors:
        errors.extend(_assign_communities(unassigned, scope_region, list(communities.values())))
    if errors:
        raise ImportRejected(errors)
    return out


def _assign_communities(rows: list[PointRow], scope_region: Region, communities: list[Region]) -> list[str]:
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
            _row_error(r.number, [_("请填写社区代码：本辖区的社区还没有中心点坐标，无法自动归属")])
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


@transaction.atomic
def points_import(
    *, data: bytes, filename: str, scope_region: Region, actor, progress: Progress = None
) -> PointImportSummary:
    """Import residential points from .xlsx/.csv, replacing those already in the importer's scope.

    All rows or none. Replacing (rather than adding) makes a re-import of the same
    file harmless and retires the demo's synthetic points once real ones arrive.
    """
    rows = validate_point_rows(data, filename, scope_region, progress)
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
    return qs.filter(prefix_range(scope_region.prefix, "community__code"))


# --------------------------------------------------------------------------- candidates


def read_candidates(
    data: bytes, filename: str, network: WalkNetwork | None
) -> list[tuple[str, float, float]]:
    """(name, lon, lat) of candidate sites from .xlsx/.csv; ImportRejected lists every bad row."""
    rows = _read(data, filename, ["经度", "纬度"])
    errors, out = [], []
    for number, rec in rows:
        try:
            lon, lat = parse_coordinates(rec.get("经度", ""), rec.get("纬度", ""), network)
        except ValueError as exc:
            errors.append(_row_error(number, [str(exc)]))
            continue
        out.append((rec.get("名称", "").strip() or _("第 %(n)d 行") % {"n": number}, lon, lat))
    if errors:
        raise ImportRejected(errors)
    return out


# --------------------------------------------------------------------------- walking network


def network_import(
    *, district: Region, path: str | Path, name: str = "", actor=None, progress: bool = True
) -> WalkNetwork:
    """Import the district's walking network from an OpenStreetMap ``.osm.pbf`` file.

    Works offline. Replaces the district's previous network only once the new one
    is completely saved, so a failure leaves the old network in place.

    Raises:
        CircleError: the file is missing, not a PBF, or has no walkable ways.
    """
    try:
        graph = import_pbf(path, progress=progress)
    except NetworkImportError as exc:
        raise CircleError(str(exc)) from exc
    return network_store(
        district=district, graph=graph, name=name or Path(path).name, is_synthetic=False, actor=actor
    )


def network_store(
    *, district: Region, graph: WalkGraph, name: str, is_synthetic: bool, actor=None
) -> WalkNetwork:
    """Save ``graph`` as the district's walking network, replacing any previous one.

    The file is written atomically under a new name first; the database record
    switches over in one transaction, and the old file is removed only after that
    transaction commits.
    """
    if district.level != Level.DISTRICT:
        raise CircleError(_("步行路网只能属于区（县）级区划，%(r)s 不是区") % {"r": district.name})
    if graph.n_nodes == 0 or graph.n_edges == 0:
        raise CircleError(_("路网没有可步行的道路，未保存"))
    stamp = timezone.now().strftime("%Y%m%d%H%M%S")
    dest = network_dir() / f"{district.code[:6]}-{stamp}-{uuid.uuid4().hex[:8]}.npz"
    graph.save(dest)
    x0, y0, x1, y1 = graph.extent
    try:
        with transaction.atomic():
            old = list(WalkNetwork.objects.select_for_update().filter(district=district))
            old_files = [n.file_path() for n in old]
            before = snapshot(old[0]) if old else None
            WalkNetwork.objects.filter(district=district).delete()
            network = WalkNetwork.objects.create(
                district=district,
                name=name[:200],
                path=_relative(dest),
                nodes=graph.n_nodes,
                edges=graph.n_edges,
                min_lon=x0,
                min_lat=y0,
                max_lon=x1,
                max_lat=y1,
                is_synthetic=is_synthetic,
                imported_by=actor if getattr(actor, "is_authenticated", False) else None,
            )
            audit(actor, "circle.network_import", network, before=before, after=snapshot(network))
    except BaseException:
        dest.unlink(missing_ok=True)
        raise

    def remove_old():
        for f in old_files:
            if f != dest:
                f.unlink(missing_ok=True)

    transaction.on_commit(remove_old)
    return network


def _relative(path: Path) -> str:
    try:
        return str(path.relative_to(Path(settings.VAR_DIR)))
    except ValueError:
        return str(path)


# --------------------------------------------------------------------------- photos


@transaction.atomic
def place_add_photo(*, place: ServicePlace, image, caption: str = "", actor=None) -> PlacePhoto:
    """Attach a photo to a service place."""
    if place.photos.count() >= 20:
        raise CircleError(_("每个阵地最多保存 20 张照片，请在后台删除旧照片后再上传"))
    photo = PlacePhoto.objects.create(place=place, image=image, caption=caption[:100])
    audit(actor, "circle.place_photo_add", place, after={"photo": photo.image.name})
    return photo

"""Reading the cells of an uploaded table: place kinds, opening hours, coordinates, counts.

Every parser raises ``ValueError`` with a message for the person who filled the
cell; the imports gather them into "第 N 行：reason" lines.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db.models import Max, Min
from django.utils.translation import gettext as _

from jiceng.circle.errors import ImportRejected
from jiceng.circle.models import PlaceKind, WalkNetwork
from jiceng.core.tabular import TableError, formula_problems, read_table, require_columns
from jiceng.core.validators import ascii_normalize
from jiceng.regions.models import Region

CANDIDATE_COLUMNS = ["名称", "经度", "纬度"]


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


@dataclass(frozen=True)
class Extent:
    """Where the district's coordinates may lie: its network's box, a configured box, or its centres'."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float
    what: str

    def contains(self, lon: float, lat: float) -> bool:
        return self.min_lon <= lon <= self.max_lon and self.min_lat <= lat <= self.max_lat


# Around the communities' centres: at least this many degrees (about 5 km), or a fifth of their spread.
CENTRE_MARGIN_DEG = 0.05


def district_extent(district_code: str) -> Extent | None:
    """The box an imported coordinate must fall in, even before a walking network exists.

    The network's box when there is one; else `DISTRICT_BBOX` (min_lon,min_lat,max_lon,max_lat)
    when configured; else the box of the district's regions' centres, widened by a margin;
    None only when the district has none of these.
    """
    network = WalkNetwork.objects.filter(district__code=district_code).first()
    if network is not None:
        return Extent(network.min_lon, network.min_lat, network.max_lon, network.max_lat, _("路网范围"))
    if settings.DISTRICT_BBOX:
        return Extent(*settings.DISTRICT_BBOX, _("本区配置的范围（DISTRICT_BBOX）"))
    district = Region.objects.filter(code=district_code).first()
    if district is None:
        return None
    box = Region.objects.filter(district.subtree_q(), lon__isnull=False, lat__isnull=False).aggregate(
        x0=Min("lon"), y0=Min("lat"), x1=Max("lon"), y1=Max("lat")
    )
    if box["x0"] is None:
        return None
    dx = max(CENTRE_MARGIN_DEG, (box["x1"] - box["x0"]) / 5)
    dy = max(CENTRE_MARGIN_DEG, (box["y1"] - box["y0"]) / 5)
    return Extent(box["x0"] - dx, box["y0"] - dy, box["x1"] + dx, box["y1"] + dy, _("各社区中心点所在范围"))


def parse_coordinates(
    lon_text: str, lat_text: str, network: WalkNetwork | Extent | None
) -> tuple[float, float]:
    """Longitude and latitude (WGS-84) of a row, checked against the district's extent."""
    problems = []
    values = []
    for text, what, bound in ((lon_text, _("经度"), 180), (lat_text, _("纬度"), 90)):
        try:
            value = float(ascii_normalize(text).replace("°", ""))
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
                "坐标（%(lon)s, %(lat)s）在本区%(what)s之外（经度 %(x0).4f～%(x1).4f，纬度 %(y0).4f～%(y1).4f），"
                "请检查经纬度是否填反，或是否用了高德/腾讯地图的 GCJ-02 坐标（须为 WGS-84）"
            )
            % {
                "what": getattr(network, "what", _("路网范围")),
                "lon": lon_text,
                "lat": lat_text,
                "x0": network.min_lon,
                "x1": network.max_lon,
                "y0": network.min_lat,
                "y1": network.max_lat,
            }
        )
    return lon, lat


def parse_count(text: str, what: str) -> int | None:
    raw = ascii_normalize(text).replace(",", "")
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


def parse_area(text: str) -> Decimal | None:
    raw = re.sub(r"(平方米|㎡|m2|m²)$", "", ascii_normalize(text).replace(",", ""))
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ValueError(_("面积“%(v)s”不是数字（单位：平方米）") % {"v": text}) from None
    if not value.is_finite() or value < 0 or value >= Decimal("1e8"):
        raise ValueError(_("面积“%(v)s”应为不小于 0 的平方米数") % {"v": text})
    return value.quantize(Decimal("0.01"))


def read_rows(data: bytes, filename: str, required: list[str]) -> list[tuple[int, dict[str, str]]]:
    try:
        header, rows = read_table(data, filename)
        require_columns(header, required)
    except TableError as exc:
        raise ImportRejected([str(exc)]) from None
    if not rows:
        raise ImportRejected([_("文件中没有数据行")])
    return rows


def row_error(number: int, problems: list[str]) -> str:
    return _("第 %(n)d 行：%(p)s") % {"n": number, "p": "；".join(problems)}


def read_candidates(
    data: bytes, filename: str, network: WalkNetwork | None
) -> list[tuple[str, float, float]]:
    """(name, lon, lat) of candidate sites from .xlsx/.csv; ImportRejected lists every bad row."""
    rows = read_rows(data, filename, ["经度", "纬度"])
    errors, out = [], []
    for number, rec in rows:
        problems = formula_problems(rec, ["名称"])
        try:
            lon, lat = parse_coordinates(rec.get("经度", ""), rec.get("纬度", ""), network)
        except ValueError as exc:
            problems.append(str(exc))
        if problems:
            errors.append(row_error(number, problems))
            continue
        out.append((rec.get("名称", "").strip() or _("第 %(n)d 行") % {"n": number}, lon, lat))
    if errors:
        raise ImportRejected(errors)
    return out

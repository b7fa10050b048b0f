import datetime as dt
import io

import pytest
from openpyxl import Workbook

from jiceng.circle.models import PlaceKind, ResidentialPoint, ServicePlace
from jiceng.circle.services import (
    ImportRejected,
    parse_hours,
    parse_kind,
    places_import,
    points_import,
)
from jiceng.circle.tests.conftest import junction, make_point
from jiceng.core.models import AuditLog

PLACE_HEADER = "名称,类型,经度,纬度,地址,社区代码,开放时间,服务内容,面积"
POINT_HEADER = "经度,纬度,户数,人数,楼栋名称,社区代码"


def csv_bytes(header, *rows):
    return ("\n".join([header, *rows]) + "\n").encode("utf-8")


def good_places(regions):
    lon, lat = junction(5)
    lon2, lat2 = junction(12)
    a1, a2 = regions["A1"].code, regions["A2"].code
    return [
        f"甲街道党群服务中心,党群服务中心（街道级）,{lon},{lat},一号路 1 号,{a1},08:30-20:00,政务代办、党员活动；老年食堂,1200",
        f"甲二社区党群服务中心,社区党群服务中心,{lon2},{lat2},,{a2},全天,,",
        f"甲邻里中心,邻里中心,{lon2},{lat2},,{a1},,,350.5㎡",
    ]


@pytest.mark.parametrize(
    "text,expected",
    [
        ("全天", (True, None, None)),
        ("24小时", (True, None, None)),
        ("00:00-24:00", (True, None, None)),
        ("08:30-20:00", (False, dt.time(8, 30), dt.time(20, 0))),
        ("8:30～20:00", (False, dt.time(8, 30), dt.time(20, 0))),
        ("每天 09:00 至 17:30", (False, dt.time(9, 0), dt.time(17, 30))),
        ("08:00-24:00", (False, dt.time(8, 0), dt.time(0, 0))),
        ("20:00-02:00", (False, dt.time(20, 0), dt.time(2, 0))),
        ("", (False, None, None)),
    ],
)
def test_it_parses_opening_hours(text, expected):
    assert parse_hours(text) == expected


@pytest.mark.parametrize("text", ["早八晚八", "25:00-26:00", "08:60-20:00", "08:00-08:00", "08:30"])
def test_it_rejects_bad_opening_hours(text):
    with pytest.raises(ValueError, match="开放时间"):
        parse_hours(text)


def test_it_knows_when_a_place_is_open(hand):
    p, q = hand["P"], hand["Q"]
    assert p.is_open_at(dt.time(3, 0))
    assert q.is_open_at(dt.time(9, 0)) and q.is_open_at(dt.time(16, 59))
    assert not q.is_open_at(dt.time(17, 0)) and not q.is_open_at(dt.time(8, 59))
    q.opens_at, q.closes_at = dt.time(20, 0), dt.time(2, 0)
    assert q.is_open_at(dt.time(23, 0)) and q.is_open_at(dt.time(1, 0)) and not q.is_open_at(dt.time(12, 0))
    assert p.hours_display == "全天开放" and q.hours_display == "每天 20:00–02:00"


def test_it_reads_kinds_by_label_code_or_common_name():
    assert parse_kind("党群服务中心(社区级)") == PlaceKind.CENTRE_COMMUNITY
    assert parse_kind("neighbourhood") == PlaceKind.NEIGHBOURHOOD
    assert parse_kind("区级党群服务中心") == PlaceKind.CENTRE_DISTRICT
    with pytest.raises(ValueError, match="类型“活动室”无法识别"):
        parse_kind("活动室")


def test_it_imports_places_and_updates_on_reimport(personas, line_network, located):
    summary = places_import(
        data=csv_bytes(PLACE_HEADER, *good_places(located)),
        filename="places.csv",
        scope_region=located["A"],
        actor=personas["sub_admin"],
    )
    assert (summary.created, summary.updated) == (3, 0)
    centre = ServicePlace.objects.get(name="甲街道党群服务中心")
    assert centre.kind == PlaceKind.CENTRE_SUBDISTRICT and centre.district == located["district"]
    assert (centre.opens_at, centre.closes_at, centre.always_open) == (dt.time(8, 30), dt.time(20, 0), False)
    assert centre.services_list == ["政务代办", "党员活动", "老年食堂"] and centre.floor_area == 1200
    assert ServicePlace.objects.get(name="甲二社区党群服务中心").always_open
    assert str(ServicePlace.objects.get(name="甲邻里中心").floor_area) == "350.50"
    assert AuditLog.objects.filter(action="circle.places_import", actor=personas["sub_admin"]).exists()
    rows = good_places(located)
    rows[0] = rows[0].replace("08:30-20:00", "09:00-21:00")
    again = places_import(
        data=csv_bytes(PLACE_HEADER, *rows), filename="places.csv", scope_region=located["A"], actor=None
    )
    assert (again.created, again.updated) == (0, 3)
    assert ServicePlace.objects.count() == 3
    assert ServicePlace.objects.get(name="甲街道党群服务中心").opens_at == dt.time(9, 0)


def test_it_rejects_every_bad_place_row_and_writes_nothing(line_network, located):
    lon, lat = junction(5)
    a1, b1 = located["A1"].code, located["B1"].code
    rows = good_places(located) + [
        f"坏经度,邻里中心,abc,{lat},,{a1},,,",  # row 5
        f"纬度越界,邻里中心,{lon},95,,{a1},,,",  # row 6
        f"路网外,邻里中心,{lon},{lat + 0.05},,{a1},,,",  # row 7: north of the network
        f"坏类型,活动室,{lon},{lat},,{a1},,,",  # row 8
        f"坏时间,邻里中心,{lon},{lat},,{a1},早八晚八,,",  # row 9
        f"外街道,邻里中心,{lon},{lat},,{b1},,,",  # row 10: B1 is outside subdistrict A
        f"甲邻里中心,邻里中心,{lon},{lat},,{a1},,,",  # row 11: same name as row 4
        f"坏面积,邻里中心,{lon},{lat},,{a1},,,很大",  # row 12
        f",,{lon},{lat},,{a1},,,",  # row 13: no name, no kind
    ]
    with pytest.raises(ImportRejected) as exc:
        places_import(
            data=csv_bytes(PLACE_HEADER, *rows), filename="p.csv", scope_region=located["A"], actor=None
        )
    errors = exc.value.errors
    assert [e.split("：")[0] for e in errors] == [f"第 {n} 行" for n in range(5, 14)]
    assert "经度“abc”不是数字" in errors[0]
    assert "纬度 95 超出 WGS-84 取值范围" in errors[1]
    assert "路网范围之外" in errors[2] and "GCJ-02" in errors[2]
    assert "类型“活动室”无法识别" in errors[3]
    assert "开放时间“早八晚八”无法识别" in errors[4]
    assert "不在您的管辖范围内" in errors[5]
    assert "与第 4 行是同一社区的同名阵地" in errors[6]
    assert "面积“很大”" in errors[7]
    assert "名称为空" in errors[8] and "类型“”无法识别" in errors[8]
    assert ServicePlace.objects.count() == 0
    assert not AuditLog.objects.filter(action="circle.places_import").exists()


def test_it_accepts_any_valid_coordinates_before_a_network_exists(located, var_dir):
    rows = [f"远方中心,邻里中心,116.4,39.9,,{located['A1'].code},,,"]
    places_import(
        data=csv_bytes(PLACE_HEADER, *rows), filename="p.csv", scope_region=located["A"], actor=None
    )
    assert ServicePlace.objects.get().lon == 116.4


def test_it_reads_places_from_xlsx(line_network, located):
    wb = Workbook()
    ws = wb.active
    ws.append(PLACE_HEADER.split(","))
    for row in good_places(located):
        values = row.split(",")
        values[2], values[3] = float(values[2]), float(values[3])  # real numbers in cells
        ws.append(values)
    buf = io.BytesIO()
    wb.save(buf)
    summary = places_import(data=buf.getvalue(), filename="p.xlsx", scope_region=located["A"], actor=None)
    assert summary.created == 3


@pytest.mark.parametrize(
    "data,filename,reason",
    [
        (b"", "p.csv", "空"),
        (b"not a workbook", "p.xlsx", "Excel"),
        ("名称,类型\n甲,邻里中心\n".encode(), "p.csv", "缺少必需的列：经度、纬度、社区代码"),
        (PLACE_HEADER.encode() + b"\n", "p.csv", "没有数据行"),
        (b"x", "p.txt", ".xlsx"),
    ],
)
def test_it_explains_unreadable_place_files(located, data, filename, reason):
    with pytest.raises(ImportRejected) as exc:
        places_import(data=data, filename=filename, scope_region=located["A"], actor=None)
    assert reason in exc.value.errors[0]


def test_it_imports_points_replacing_those_in_scope(personas, line_network, located):
    make_point(located, "A1", 3, residents=1, building="旧点")
    make_point(located, "B1", 27, residents=1, building="乙旧点")
    a1 = located["A1"].code
    rows = [
        f"{junction(10)[0]},{junction(10)[1]},40,,甲1栋,{a1}",
        f"{junction(3)[0]},{junction(3)[1]},,90,甲2栋,",  # no community: nearest centre is A2's (junction 2)
        f'{junction(9)[0]},{junction(9)[1]},"1,200",3100,甲3栋,',  # nearest centre is A1's (junction 10)
    ]
    summary = points_import(
        data=csv_bytes(POINT_HEADER, *rows),
        filename="pts.csv",
        scope_region=located["A"],
        actor=personas["sub_admin"],
    )
    assert (summary.created, summary.replaced) == (3, 1)
    points = {p.building: p for p in ResidentialPoint.objects.all()}
    assert set(points) == {"甲1栋", "甲2栋", "甲3栋", "乙旧点"}  # B1's point is outside A's scope and stays
    assert points["甲1栋"].population == round(40 * 2.62) and points["甲1栋"].residents is None
    assert points["甲2栋"].community == located["A2"] and points["甲2栋"].population == 90
    assert points["甲3栋"].community == located["A1"] and points["甲3栋"].households == 1200
    assert AuditLog.objects.filter(action="circle.points_import").count() == 1


def test_it_rejects_every_bad_point_row_and_writes_nothing(line_network, located):
    make_point(located, "A1", 3, residents=1, building="旧点")
    lon, lat = junction(10)
    a1, b1 = located["A1"].code, located["B1"].code
    rows = [
        f"{lon},{lat},10,,好,{a1}",  # row 2 is fine
        f"东经104,{lat},10,,,{a1}",  # row 3
        f"{lon},-91,10,,,{a1}",  # row 4
        f"{lon + 0.1},{lat},10,,,{a1}",  # row 5: east of the network
        f"{lon},{lat},,,,{a1}",  # row 6: no counts
        f"{lon},{lat},-3,2.5,,{a1}",  # row 7: bad counts
        f"{lon},{lat},10,,,{b1}",  # row 8: outside scope
        f"{lat},{lon},10,,,{a1}",  # row 9: swapped: 104 is no latitude
    ]
    with pytest.raises(ImportRejected) as exc:
        points_import(
            data=csv_bytes(POINT_HEADER, *rows), filename="p.csv", scope_region=located["A"], actor=None
        )
    errors = exc.value.errors
    assert [e.split("：")[0] for e in errors] == [f"第 {n} 行" for n in range(3, 10)]
    assert "不是数字" in errors[0] and "超出 WGS-84" in errors[1] and "路网范围之外" in errors[2]
    assert "户数和人数至少填写一项" in errors[3]
    assert "户数“-3”应为不小于 0 的整数" in errors[4] and "人数“2.5”应为不小于 0 的整数" in errors[4]
    assert "不在您的管辖范围内" in errors[5] and "纬度 104" in errors[6]
    assert list(ResidentialPoint.objects.values_list("building", flat=True)) == ["旧点"]


def test_it_needs_a_count_column_for_points(located):
    with pytest.raises(ImportRejected) as exc:
        points_import(
            data="经度,纬度\n1,2\n".encode(), filename="p.csv", scope_region=located["A"], actor=None
        )
    assert "户数" in exc.value.errors[0]

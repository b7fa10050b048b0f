import datetime as dt

import pytest

from jiceng.circle.models import PlaceKind, ServicePlace
from jiceng.circle.services import ImportRejected, places_import
from jiceng.circle.tests.conftest import junction
from jiceng.circle.tests.factories import PLACE_HEADER, csv_bytes, good_places
from jiceng.core.models import AuditLog
from jiceng.core.sheets import Sheet, workbook_bytes


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


def test_before_a_network_exists_coordinates_are_checked_against_the_communities_centres(located, var_dir):
    lon, lat = junction(10)
    a1 = located["A1"].code
    rows = [
        f"近处中心,邻里中心,{lon + 0.01},{lat},,{a1},,,",  # row 2: near the centres
        f"远方中心,邻里中心,116.4,39.9,,{a1},,,",  # row 3: Beijing
        f"填反中心,邻里中心,{lat},{lon},,{a1},,,",  # row 4: swapped
    ]
    with pytest.raises(ImportRejected) as exc:
        places_import(
            data=csv_bytes(PLACE_HEADER, *rows), filename="p.csv", scope_region=located["A"], actor=None
        )
    errors = exc.value.errors
    assert [e.split("：")[0] for e in errors] == ["第 3 行", "第 4 行"]
    assert "各社区中心点所在范围之外" in errors[0]
    places_import(
        data=csv_bytes(PLACE_HEADER, rows[0]), filename="p.csv", scope_region=located["A"], actor=None
    )
    assert ServicePlace.objects.get().name == "近处中心"


def test_a_configured_box_bounds_coordinates_before_a_network_exists(located, var_dir, settings):
    settings.DISTRICT_BBOX = (116.0, 39.5, 117.0, 40.5)
    rows = [f"远方中心,邻里中心,116.4,39.9,,{located['A1'].code},,,"]
    places_import(
        data=csv_bytes(PLACE_HEADER, *rows), filename="p.csv", scope_region=located["A"], actor=None
    )
    assert ServicePlace.objects.get().lon == 116.4


def test_it_reads_places_from_xlsx(line_network, located):
    rows = []
    for row in good_places(located):
        values = row.split(",")
        values[2], values[3] = float(values[2]), float(values[3])  # real numbers in cells
        rows.append(values)
    data = workbook_bytes([Sheet("阵地", PLACE_HEADER.split(","), rows)])
    summary = places_import(data=data, filename="p.xlsx", scope_region=located["A"], actor=None)
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

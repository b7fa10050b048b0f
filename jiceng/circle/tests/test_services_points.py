import pytest

from jiceng.circle.models import ResidentialPoint
from jiceng.circle.services import ImportRejected, points_import
from jiceng.circle.tests.conftest import junction, make_point
from jiceng.circle.tests.factories import POINT_HEADER, csv_bytes
from jiceng.core.models import AuditLog


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


def test_a_formula_in_a_text_cell_is_refused_and_a_negative_count_is_judged_as_a_count(line_network, located):
    lon, lat = junction(10)
    a1 = located["A1"].code
    rows = [
        f"{lon},{lat},10,,=1+1,{a1}",  # row 2: a formula in the building's name
        f"{lon},{lat},-5,,甲1栋,{a1}",  # row 3: a negative count is a number, and a bad one
        f"{lon},{lat},10,,@甲2栋,{a1}",  # row 4
    ]
    with pytest.raises(ImportRejected) as exc:
        points_import(
            data=csv_bytes(POINT_HEADER, *rows), filename="p.csv", scope_region=located["A"], actor=None
        )
    errors = exc.value.errors
    assert [e.split("：")[0] for e in errors] == ["第 2 行", "第 3 行", "第 4 行"]
    assert "“楼栋名称”以“=”开头" in errors[0] and "“楼栋名称”以“@”开头" in errors[2]
    assert "不小于 0 的整数" in errors[1] and "公式" not in errors[1]
    assert not ResidentialPoint.objects.exists()


def test_swapped_coordinates_are_refused_even_before_a_network_exists(located, var_dir):
    lon, lat = junction(10)
    rows = [f"{lat},{lon},10,,甲1栋,{located['A1'].code}"]  # 30.x as longitude, 104.x as latitude
    with pytest.raises(ImportRejected) as exc:
        points_import(
            data=csv_bytes(POINT_HEADER, *rows), filename="p.csv", scope_region=located["A"], actor=None
        )
    assert "超出 WGS-84" in exc.value.errors[0]
    rows = [f"{lon + 3},{lat},10,,甲1栋,{located['A1'].code}"]  # 300 km east
    with pytest.raises(ImportRejected) as exc:
        points_import(
            data=csv_bytes(POINT_HEADER, *rows), filename="p.csv", scope_region=located["A"], actor=None
        )
    assert "各社区中心点所在范围之外" in exc.value.errors[0]
    assert not ResidentialPoint.objects.exists()


GRID_HEADER = POINT_HEADER + ",网格编号"


def test_it_gives_each_point_the_grid_its_row_names(line_network, located):
    from jiceng.linkage.tests.factories import grid

    a1, a2 = located["A1"], located["A2"]
    g1, g2 = grid(a1, 1), grid(a1, 2)
    lon, lat = junction(10)
    rows = [
        f"{lon},{lat},10,,甲1栋,{a1.code},1",  # the grid's number in its community
        f"{lon},{lat},10,,甲2栋,{a1.code},{g2.code}",  # its full code
        f"{lon},{lat},10,,甲3栋,,{g2.code}",  # a full code also says which community
        f"{lon},{lat},10,,甲4栋,{a2.code},",  # no grid
    ]
    points_import(data=csv_bytes(GRID_HEADER, *rows), filename="p.csv", scope_region=located["A"], actor=None)
    got = {p.building: (p.community, p.grid) for p in ResidentialPoint.objects.all()}
    assert got == {"甲1栋": (a1, g1), "甲2栋": (a1, g2), "甲3栋": (a1, g2), "甲4栋": (a2, None)}


def test_a_bad_grid_row_is_refused_with_its_number_and_nothing_is_written(line_network, located):
    from jiceng.linkage.tests.factories import grid

    a1, a2, b1 = located["A1"], located["A2"], located["B1"]
    grid(a1, 1, "甲一网格")
    a2_grid = grid(a2, 1, "甲二第一网格")
    b1_grid = grid(b1, 1)
    make_point(located, "A1", 3, residents=1, building="旧点")
    lon, lat = junction(10)
    rows = [
        f"{lon},{lat},10,,好,{a1.code},１",  # row 2 is fine (full-width digit)
        f"{lon},{lat},10,,,{a1.code},7",  # row 3: A1 has no grid 7
        f"{lon},{lat},10,,,{a1.code},{a2_grid.code}",  # row 4: a grid of another community
        f"{lon},{lat},10,,,{a1.code},{b1_grid.code}",  # row 5: a grid outside the importer's scope
        f"{lon},{lat},10,,,,1",  # row 6: a number without its community
        f"{lon},{lat},10,,,{a1.code},第一网格",  # row 7: not a number
    ]
    with pytest.raises(ImportRejected) as exc:
        points_import(
            data=csv_bytes(GRID_HEADER, *rows), filename="p.csv", scope_region=located["A"], actor=None
        )
    errors = exc.value.errors
    assert [e.split("：")[0] for e in errors] == [f"第 {n} 行" for n in range(3, 8)]
    assert f"{a1.name}没有编号为 7 的网格" in errors[0]
    assert (
        f"网格 {a2_grid.code}（甲二第一网格）属于{a2.name}，不属于社区代码 {a1.code} 的{a1.name}" in errors[1]
    )
    assert f"网格 {b1_grid.code} 不存在或不在您的管辖范围内" in errors[2]
    assert "请同时填写社区代码" in errors[3]
    assert "网格编号“第一网格”应为 1 到 999 的数字" in errors[4]
    assert list(ResidentialPoint.objects.values_list("building", flat=True)) == ["旧点"]

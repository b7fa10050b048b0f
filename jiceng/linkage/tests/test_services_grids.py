import io

import pytest
from openpyxl import Workbook

from jiceng.core.models import Role, RoleGrant, User
from jiceng.linkage import services
from jiceng.linkage.errors import LinkageError
from jiceng.linkage.models import GridHousehold
from jiceng.linkage.services import GridImportRejected
from jiceng.linkage.tests.factories import grid
from jiceng.people.models import Household
from jiceng.regions.models import Level, Region

pytestmark = pytest.mark.django_db

HEADER = ["社区代码", "网格编号", "网格名称", "网格员姓名", "网格员手机号"]


def xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run(data, scope, actor):
    return services.grid_import(data=data, filename="grids.xlsx", scope_region=scope, actor=actor)


def test_an_import_makes_grids_under_communities_with_one_worker_each(regions, personas):
    a1 = regions["A1"]
    summary = run(
        xlsx(
            [
                [a1.code, "1", "一网格", "张网格", "13800000001"],
                [a1.code, "２", "二网格", "李网格", "１３８０００００００２"],
            ]
        ),
        regions["A"],
        personas["sub_admin"],
    )
    assert (summary.created, summary.workers_created) == (2, 2)
    grids = list(Region.objects.filter(parent=a1, level=Level.GRID).order_by("code"))
    assert [g.code for g in grids] == [a1.code + "001", a1.code + "002"]
    second = User.objects.get(phone="13800000002")  # full-width digits normalised
    assert RoleGrant.objects.get(user=second, role=Role.GRID_WORKER).region == grids[1]
    assert not second.has_usable_password()
    # importing again renames and hands a grid to another worker, without duplicates
    summary = run(
        xlsx([[a1.code, "1", "一网格（东）", "王网格", "13800000003"]]), regions["A"], personas["sub_admin"]
    )
    assert (summary.created, summary.updated) == (0, 1)
    grids[0].refresh_from_db()
    assert grids[0].name == "一网格（东）"
    assert list(
        RoleGrant.objects.filter(role=Role.GRID_WORKER, region=grids[0]).values_list("user__phone", flat=True)
    ) == ["13800000003"]


def test_a_bad_row_writes_nothing_and_every_bad_row_is_listed(regions, personas):
    a1, b1 = regions["A1"], regions["B1"]
    before = (Region.objects.count(), User.objects.count(), RoleGrant.objects.count())
    rows = [
        [a1.code, "1", "一网格", "张网格", "13800000001"],  # fine
        [b1.code, "1", "外网格", "赵网格", "13800000002"],  # another subdistrict
        [a1.code, "1000", "", "钱网格", "12345"],  # number, name, phone
        [a1.code, "1", "+一网格", "孙网格", "13800000001"],  # duplicate number and phone, formula
    ]
    with pytest.raises(GridImportRejected) as exc:
        run(xlsx(rows), regions["A"], personas["sub_admin"])
    errors = exc.value.errors
    assert [e.split("：")[0] for e in errors] == ["第 3 行", "第 4 行", "第 5 行"]
    assert "管辖范围" in errors[0]
    assert "1 到 999" in errors[1] and "网格名称" in errors[1] and "手机号" in errors[1]
    assert errors[2].count("第 2 行重复") == 2 and "网格名称" in errors[2]
    assert (Region.objects.count(), User.objects.count(), RoleGrant.objects.count()) == before


def test_a_missing_column_is_named(regions, personas):
    wb = Workbook()
    wb.active.append(["社区代码", "网格名称"])
    buf = io.BytesIO()
    wb.save(buf)
    with pytest.raises(GridImportRejected) as exc:
        run(buf.getvalue(), regions["A"], personas["sub_admin"])
    assert "网格编号" in exc.value.errors[0]


def test_households_go_only_into_a_grid_of_their_own_community(regions, personas):
    g = grid(regions["A1"])
    district = Region.objects.get(code=regions["A1"].district_code)
    own = Household.objects.create(district=district, community=regions["A1"], number="1-1")
    other = Household.objects.create(district=district, community=regions["A2"], number="2-1")
    with pytest.raises(LinkageError, match="不属于"):
        services.household_assign(households=[own, other], grid=g, actor=personas["worker"])
    assert not GridHousehold.objects.exists()
    services.household_assign(households=[own], grid=g, actor=personas["worker"])
    g2 = grid(regions["A1"], 2)
    services.household_assign(households=[own], grid=g2, actor=personas["worker"])  # moves, not copies
    assert list(GridHousehold.objects.values_list("household_id", "grid_id")) == [(own.pk, g2.pk)]

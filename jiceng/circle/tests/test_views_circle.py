import io

import pytest
from openpyxl import load_workbook

from jiceng.circle.models import CandidateSite, WalkNetwork
from jiceng.circle.tests.conftest import junction
from jiceng.circle.tests.factories import get
from jiceng.core.models import AuditLog

SYNTHETIC = "示范数据：路网与居民点为合成数据"


@pytest.mark.parametrize("persona", ["district_admin", "sub_admin", "worker"])
def test_it_shows_the_map_to_staff(client, personas, hand, persona):
    response = get(client, personas[persona], "circle:map")
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="circle-map"' in page and "vendor/leaflet/leaflet.js" in page and "//unpkg" not in page
    assert SYNTHETIC not in page  # the hand-made network is not marked synthetic


def test_it_shows_figures_for_the_users_own_scope(client, personas, hand):
    r = hand["regions"]
    page = get(client, personas["sub_admin"], "circle:map", open_at="20:00").content.decode()
    assert r["A"].name in page and "71.6%" in page  # 126 of 176 in subdistrict A
    assert r["A1"].name in page and "66.7%" in page
    assert r["B1"].name not in page and "乙1栋" not in page
    district = get(client, personas["district_admin"], "circle:map", open_at="20:00").content.decode()
    assert "51.2%" in district and r["B"].name in district


@pytest.mark.parametrize("persona", ["resident", "unit", "outsider"])
def test_it_hides_every_circle_page_from_non_staff(client, personas, hand, persona):
    for name, args in (
        ("circle:map", ()),
        ("circle:layers", ()),
        ("circle:places", ()),
        ("circle:export", ()),
    ):
        assert get(client, personas[persona], name, *args).status_code == 404


@pytest.mark.parametrize("name", ["circle:map", "circle:layers", "circle:recommend", "circle:export"])
def test_outsiders_get_404_for_another_regions_data(client, personas, hand, name):
    r = hand["regions"]
    assert get(client, personas["outsider_sub_admin"], name, region=r["A"].code).status_code == 404
    assert get(client, personas["worker"], name, region=r["A2"].code).status_code == 404
    assert get(client, personas["sub_admin"], name, region=r["A1"].code).status_code == 200


def test_it_serves_map_layers_for_the_scope_only(client, personas, hand):
    r = hand["regions"]
    data = get(client, personas["sub_admin"], "circle:layers").json()
    assert {p["name"] for p in data["places"]} == {"甲街道党群服务中心"}
    assert sorted(row[2] for row in data["points"]["rows"]) == [26, 50, 100]
    assert data["network"]["covered"] and data["limit_m"] == 1000
    west = ",".join(str(v) for v in (*junction(0), *junction(12)))
    # a zero-height box is refused and the whole scope is served instead
    assert len(get(client, personas["sub_admin"], "circle:layers", bbox=west).json()["points"]["rows"]) == 3
    lon0, lat0 = junction(0)
    lon1, lat1 = junction(12)
    box = f"{lon0 - 0.001},{lat0 - 0.001},{lon1},{lat1 + 0.001}"
    rows = get(
        client, personas["district_admin"], "circle:layers", bbox=box, region=r["district"].code
    ).json()
    assert sorted(row[2] for row in rows["points"]["rows"]) == [26, 100]


def test_it_drills_down_from_district_to_community(client, personas, hand):
    r = hand["regions"]
    page = get(client, personas["district_admin"], "circle:map", region=r["A"].code).content.decode()
    assert f"?region={r['A1'].code}" in page and f"?region={r['district'].code}" in page  # drill and crumbs


def test_it_says_plainly_when_data_is_synthetic(client, personas, hand):
    WalkNetwork.objects.update(is_synthetic=True)
    page = get(client, personas["worker"], "circle:map").content.decode()
    assert SYNTHETIC in page


def test_it_explains_a_missing_network(client, personas, located, var_dir):
    page = get(client, personas["district_admin"], "circle:map").content.decode()
    assert "还没有导入步行路网" in page and "jiceng circle import-network" in page
    assert get(client, personas["district_admin"], "circle:layers").json()["network"] is None
    assert (
        "还没有导入步行路网" in get(client, personas["district_admin"], "circle:recommend").content.decode()
    )


def test_it_recommends_sites_in_a_partial(client, personas, hand):
    response = get(client, personas["district_admin"], "circle:recommend", k=3, open_at="20:00")
    page = response.content.decode()
    assert response.status_code == 200 and "data-recommendations" in page
    assert "51.2%" in page and "100.0%" in page and 'id="recommend-data"' in page


def test_it_recommends_among_candidate_sites(client, personas, hand):
    r = hand["regions"]
    lon, lat = junction(27)
    CandidateSite.objects.create(district=r["district"], community=r["B1"], name="桥头空房", lon=lon, lat=lat)
    page = get(client, personas["district_admin"], "circle:map").content.decode()
    assert "只在候选选址中挑选" in page
    part = get(client, personas["district_admin"], "circle:recommend", candidates="1", open_at="20:00")
    assert "桥头空房" in part.content.decode()


def test_it_exports_the_coverage_workbook_and_audits_it(client, personas, hand):
    r = hand["regions"]
    response = get(client, personas["sub_admin"], "circle:export", open_at="20:00")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    wb = load_workbook(io.BytesIO(response.content))
    assert wb.sheetnames == ["说明", "覆盖统计", "未覆盖居民点", "选址建议"]
    table = list(wb["覆盖统计"].iter_rows(values_only=True))
    assert table[1][:7] == ("街道", r["A"].code, r["A"].name, 3, 176, 126, 71.59)
    assert {row[1] for row in table[1:]} == {r["A"].code, r["A1"].code, r["A2"].code} | {
        c.code for c in r["A"].children.all()
    }
    uncovered = list(wb["未覆盖居民点"].iter_rows(values_only=True))
    assert [row[1] for row in uncovered[1:]] == ["甲2栋"]  # B1's point is outside the scope
    picks = list(wb["选址建议"].iter_rows(values_only=True))
    assert picks[2][5] == 50  # one site for 甲2栋
    log = AuditLog.objects.get(action="circle.export")
    assert log.actor == personas["sub_admin"] and log.after["open_at"] == "20:00"

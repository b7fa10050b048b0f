"""Every page of the career system, for the roles that use it, and refused to the others."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jiceng.core.models import Role
from jiceng.workforce import services
from jiceng.workforce.models import DEFAULTS, PayGrade, PaySheet, WorkforceSettings
from jiceng.workforce.tests.factories import hire

pytestmark = pytest.mark.django_db

ADMIN_PAGES = [
    "workforce:workers",
    "workforce:worker_hire",
    "workforce:settings",
    "workforce:pay_table",
    "workforce:pay_sheets",
    "workforce:staffing",
    "workforce:promotion",
    "workforce:import",
]


@pytest.fixture
def world(regions, personas, worker_pay_line):
    admin = personas["sub_admin"]
    worker = hire(regions["A1"], admin, name="社工王芳", hired_on=dt.date(2018, 5, 1))
    services.qualification_record(
        actor=admin, worker=worker, level="junior", cert_number="J1", issued_on=dt.date(2020, 1, 1)
    )
    sheet = services.pay_sheet_compute(actor=admin, subdistrict=regions["A"], year=2026, month=1)
    return {"worker": worker, "sheet": sheet}


def _as(client, user):
    client.force_login(user)
    return client


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_every_admin_page_opens_for_both_administrators(client, personas, world, name):
    for who in ("sub_admin", "district_admin"):
        response = _as(client, personas[who]).get(reverse(name))
        assert response.status_code == 200, (who, name)


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_residents_units_and_workers_see_none_of_the_admin_pages(client, personas, world, name):
    for who in ("resident", "unit", "worker"):
        assert _as(client, personas[who]).get(reverse(name)).status_code == 404, (who, name)


def test_the_worker_page_shows_the_record_and_takes_an_assessment(client, personas, world):
    c = _as(client, personas["sub_admin"])
    url = reverse("workforce:worker", args=[world["worker"].pk])
    page = c.get(url).content.decode()
    assert "社工王芳" in page and "取得职业资格" in page and "助理社会工作师" in page
    response = c.post(
        reverse("workforce:assessment_add", args=[world["worker"].pk]), {"a-year": "2025", "a-result": "pass"}
    )
    assert response.status_code == 302
    assert world["worker"].assessments.get(year=2025).result == "pass"
    bad = c.post(
        reverse("workforce:assessment_add", args=[world["worker"].pk]), {"a-year": "2025", "a-result": "pass"}
    )
    assert bad.status_code == 400 and "已经登记过" in bad.content.decode()


def test_another_subdistricts_admin_gets_404_on_the_worker_and_the_sheet(client, personas, world):
    c = _as(client, personas["outsider_sub_admin"])
    assert c.get(reverse("workforce:worker", args=[world["worker"].pk])).status_code == 404
    assert c.get(reverse("workforce:pay_sheet", args=[world["sheet"].pk])).status_code == 404
    assert c.post(reverse("workforce:pay_sheet_approve", args=[world["sheet"].pk])).status_code == 404
    assert "社工王芳" not in c.get(reverse("workforce:workers")).content.decode()


def test_hiring_finds_the_person_by_id_number_and_gives_the_role(client, personas, regions):
    from conftest import make_person
    from jiceng.core.validators import id_check_char

    first = "51010719800101021"
    number = first + id_check_char(first)
    person = make_person(regions["A1"], "新社工")
    person.set_id_number(number)
    person.save()
    c = _as(client, personas["sub_admin"])
    missing = c.post(
        reverse("workforce:worker_hire"),
        {
            "id_number": "110101199003070000",
            "community": regions["A1"].pk,
            "post": "other",
            "hired_on": "2024-01-01",
        },
    )
    assert missing.status_code == 400
    response = c.post(
        reverse("workforce:worker_hire"),
        {"id_number": number, "community": regions["A1"].pk, "post": "deputy", "hired_on": "2024-01-01"},
    )
    assert response.status_code == 302
    user = person.user
    assert user.grants.filter(role=Role.COMMUNITY_WORKER, region=regions["A1"]).exists()
    # A community outside the subdistrict is not offered.
    outside = c.post(
        reverse("workforce:worker_hire"),
        {"id_number": number, "community": regions["B1"].pk, "post": "other", "hired_on": "2024-01-01"},
    )
    assert outside.status_code == 400


def test_only_the_district_changes_the_settings_and_the_pay_table(client, personas, regions):
    values = {k: str(v) for k, v in DEFAULTS.items()} | {"staffing_target": "25.0", "year": "2026"}
    assert _as(client, personas["sub_admin"]).post(reverse("workforce:settings"), values).status_code == 403
    page = _as(client, personas["district_admin"]).get(reverse("workforce:settings")).content.decode()
    assert "默认设置" in page
    response = client.post(reverse("workforce:settings"), values)
    assert response.status_code == 302
    assert WorkforceSettings.objects.get(year=2026).staffing_target == Decimal("25.0")
    bad = client.post(reverse("workforce:settings"), values | {"head_min": "19", "fixed_share": "1.5"})
    assert bad.status_code == 400
    table = (
        {"year": "2026"}
        | {f"base_{g}": "3500" for g in range(1, 19)}
        | {f"coef_{g}": "1.20" for g in range(1, 19)}
    )
    assert _as(client, personas["sub_admin"]).post(reverse("workforce:pay_table"), table).status_code == 403
    assert (
        _as(client, personas["district_admin"]).post(reverse("workforce:pay_table"), table).status_code == 302
    )
    assert PayGrade.objects.filter(year=2026, base=Decimal("3500")).count() == 18


def test_a_sheet_is_approved_from_its_page_and_exported_as_a_finance_office_expects(client, personas, world):
    c = _as(client, personas["sub_admin"])
    sheet = world["sheet"]
    assert "社工王芳" in c.get(reverse("workforce:pay_sheet", args=[sheet.pk])).content.decode()
    assert c.post(reverse("workforce:pay_sheet_approve", args=[sheet.pk])).status_code == 302
    assert PaySheet.objects.get(pk=sheet.pk).status == "approved"
    response = c.get(reverse("workforce:pay_sheet_xlsx", args=[sheet.pk]))
    ws = load_workbook(io.BytesIO(response.content)).active
    assert "A1:K1" in [str(r) for r in ws.merged_cells.ranges]
    assert "报酬发放表" in ws["A1"].value and ws["B2"].value == "姓名"
    values = [[c.value for c in row] for row in ws.iter_rows()]
    totals = next(v for v in values if v[0] == "合计")
    assert Decimal(str(totals[9])) == sheet.total == Decimal(str(values[2][9]))
    assert any("制表" in str(v[0]) and "审核" in str(v[0]) and "负责人" in str(v[0]) for v in values if v[0])


def test_a_worker_reads_only_their_own_record(client, personas, regions, world):
    worker = world["worker"]
    services.pay_sheet_approve(actor=personas["sub_admin"], pay_sheet=world["sheet"])
    worker.user.set_password("x-pass-1234")
    worker.user.save()
    page = _as(client, worker.user).get(reverse("workforce:me")).content.decode()
    assert "助理社会工作师" in page and "2026-01" in page
    other = _as(client, personas["worker"]).get(reverse("workforce:me")).content.decode()
    assert "还没有您的社区工作者档案" in other and "2026-01" not in other
    assert _as(client, worker.user).get(reverse("workforce:worker", args=[worker.pk])).status_code == 404
    assert _as(client, personas["resident"]).get(reverse("workforce:me")).status_code == 404


def test_staffing_flags_the_largest_community_below_target_first(client, personas, regions):
    from conftest import make_person

    for i in range(30):
        make_person(regions["A2"], f"居民{i}")
    for i in range(10):
        make_person(regions["A1"], f"居民甲{i}")
    hire(regions["A1"], personas["sub_admin"], name="社工一")
    page = _as(client, personas["sub_admin"]).get(reverse("workforce:staffing"))
    flagged = page.context["flagged"]
    assert [c.region for c in flagged][:1] == [regions["A2"]]
    assert flagged[0].missing == 1 and flagged[0].per_10k == 0.0
    assert 'data-chart="chart-data"' in page.content.decode()


def test_the_promotion_page_runs_the_year_once(client, personas, regions):
    worker = hire(regions["A1"], personas["sub_admin"], hired_on=dt.date(2020, 1, 1))
    services.assessment_record(actor=personas["sub_admin"], worker=worker, year=2023, result="pass")
    c = _as(client, personas["sub_admin"])
    for _ in range(2):
        assert c.post(reverse("workforce:promotion"), {"year": "2023"}).status_code == 302
    page = c.get(reverse("workforce:promotion") + "?year=2023").content.decode()
    assert page.count("任职满 3 年") == 1
    assert worker.grade_changes.count() == 1


def test_the_menu_links_the_pages_for_the_roles_that_use_them(client, personas):
    district = _as(client, personas["district_admin"]).get(reverse("workforce:workers")).content.decode()
    assert reverse("workforce:settings") in district and reverse("workforce:staffing") in district
    worker = _as(client, personas["worker"]).get(reverse("workforce:me")).content.decode()
    assert (
        f'href="{reverse("workforce:me")}"' in worker
        and f'href="{reverse("workforce:workers")}"' not in worker
    )


def test_a_certificate_scan_is_checked_and_re_encoded(client, personas, world, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    settings.MEDIA_ROOT = tmp_path
    buf = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buf, "PNG")
    c = _as(client, personas["sub_admin"])
    url = reverse("workforce:qualification_add", args=[world["worker"].pk])
    fake = SimpleUploadedFile("cert.png", b"not an image", content_type="image/png")
    bad = c.post(
        url, {"q-level": "senior", "q-cert_number": "S-1", "q-issued_on": "2024-01-01", "q-scan": fake}
    )
    assert bad.status_code == 400 and "不是可识别的图片" in bad.content.decode()
    good = SimpleUploadedFile("cert.png", buf.getvalue(), content_type="image/png")
    assert (
        c.post(
            url, {"q-level": "senior", "q-cert_number": "S-1", "q-issued_on": "2024-01-01", "q-scan": good}
        ).status_code
        == 302
    )
    q = world["worker"].qualifications.get(level="senior")
    assert q.scan.name.endswith(".png") and Image.open(q.scan.path).size == (20, 20)
    scan = reverse("workforce:qualification_scan", args=[q.pk])
    assert c.get(scan).status_code == 200
    assert _as(client, world["worker"].user).get(scan).status_code == 200
    for who in ("worker", "outsider_sub_admin", "resident", "unit"):
        assert _as(client, personas[who]).get(scan).status_code == 404, who

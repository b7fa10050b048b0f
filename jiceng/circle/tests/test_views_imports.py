import io
import time

from django.urls import reverse
from openpyxl import load_workbook

from jiceng.circle.models import ServicePlace
from jiceng.circle.tests.conftest import junction
from jiceng.circle.tests.factories import get
from jiceng.core.models import ImportJob


def test_it_offers_import_templates(client, personas, located):
    for kind, first in (("places", "名称"), ("points", "经度")):
        assert get(client, personas["worker"], "circle:import", kind).status_code == 200
        response = get(client, personas["worker"], "circle:import_template", kind)
        assert load_workbook(io.BytesIO(response.content)).active["A1"].value == first
    assert get(client, personas["worker"], "circle:import", "cats").status_code == 404


def test_the_import_page_runs_a_job_and_rejects_bad_rows(
    client, personas, located, var_dir, transactional_db
):
    client.force_login(personas["worker"])
    lon, lat = junction(10)
    a1, b1 = located["A1"].code, located["B1"].code
    upload = io.BytesIO(
        f"名称,类型,经度,纬度,社区代码\n好中心,邻里中心,{lon},{lat},{a1}\n坏中心,邻里中心,{lon},{lat},{b1}\n".encode()
    )
    upload.name = "places.csv"
    response = client.post(reverse("circle:import", args=["places"]), {"file": upload})
    job = ImportJob.objects.get()
    assert response.url == reverse("circle:import_job", args=[job.pk]) and job.kind == "circle_places"
    for _ in range(100):
        job.refresh_from_db()
        if job.status != "running":
            break
        time.sleep(0.05)
    assert job.status == "rejected" and job.errors[0].startswith("第 3 行：")
    page = client.get(response.url).content.decode()
    assert "未写入任何数据" in page and ServicePlace.objects.count() == 0
    assert get(client, personas["outsider_worker"], "circle:import_job", job.pk).status_code == 404


def test_the_import_page_asks_for_a_file(client, personas, located):
    client.force_login(personas["worker"])
    page = client.post(reverse("circle:import", args=["points"]), {}).content.decode()
    assert "请选择要导入的 .xlsx 或 .csv 文件" in page
    assert not ImportJob.objects.exists()

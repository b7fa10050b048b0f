import io

import pytest
from django.urls import reverse

from jiceng.core.models import ImportJob
from jiceng.core.tabular import read_table
from jiceng.people.services import COLUMNS
from jiceng.people.tests.factories import csv_bytes, good_rows


def test_the_import_page_runs_a_job_with_progress(client, personas, regions, transactional_db):
    client.force_login(personas["worker"])
    upload = io.BytesIO(csv_bytes(*good_rows(regions["A1"].code)))
    upload.name = "people.csv"
    response = client.post(reverse("people:import"), {"file": upload})
    job = ImportJob.objects.get()
    assert response.url == reverse("people:import_job", args=[job.pk])
    import time

    for _ in range(100):
        job.refresh_from_db()
        if job.status != "running":
            break
        time.sleep(0.05)
    assert job.status == "done" and job.summary["created"] == 3 and job.done == job.total == 3
    page = client.get(response.url).content.decode()
    assert "导入成功" in page


def test_the_import_page_lists_bad_rows(client, personas, regions, transactional_db):
    client.force_login(personas["worker"])
    upload = io.BytesIO(csv_bytes(f"钱七,未知,,,,{regions['A1'].code},,,,,"))
    upload.name = "people.csv"
    url = client.post(reverse("people:import"), {"file": upload}).url
    import time

    for _ in range(100):
        if ImportJob.objects.get().status != "running":
            break
        time.sleep(0.05)
    page = client.get(url).content.decode()
    assert "未写入任何数据" in page and "第 2 行" in page and "性别" in page


def test_the_template_has_the_roster_columns_and_an_example(client, personas):
    client.force_login(personas["worker"])
    response = client.get(reverse("people:import_template"))
    assert response["Content-Disposition"] == 'attachment; filename="people-template.xlsx"'
    header, rows = read_table(response.content, "people-template.xlsx")
    assert header == COLUMNS and rows[0][1]["姓名"] == "张三"


def test_the_import_page_refuses_a_missing_or_foreign_file(client, personas):
    client.force_login(personas["worker"])
    page = client.post(reverse("people:import"), {}).content.decode()
    assert "请选择要导入的 .xlsx 或 .csv 文件" in page
    upload = io.BytesIO(b"x")
    upload.name = "people.txt"
    page = client.post(reverse("people:import"), {"file": upload}).content.decode()
    assert "只支持 .xlsx 或 .csv 文件" in page
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("name", ["people:import", "people:import_template"])
@pytest.mark.parametrize("persona", ["resident", "unit", "outsider"])
def test_the_import_pages_are_not_found_outside_staff(client, personas, name, persona):
    client.force_login(personas[persona])
    assert client.get(reverse(name)).status_code == 404


def test_another_communitys_job_is_not_found(client, personas, regions):
    job = ImportJob.objects.create(
        kind="people", filename="b.csv", region=regions["B1"], created_by=personas["outsider_worker"]
    )
    client.force_login(personas["worker"])
    assert client.get(reverse("people:import_job", args=[job.pk])).status_code == 404
    client.force_login(personas["outsider_worker"])
    assert client.get(reverse("people:import_job", args=[job.pk])).status_code == 200

import io

import pytest
from django.urls import reverse
from openpyxl import Workbook

from jiceng.core.models import AuditLog, ImportJob
from jiceng.people.models import Household, PartyMembership, Person
from jiceng.people.services import ImportRejected, people_import

HEADER = "姓名,性别,出生日期,手机号,身份证号,社区代码,户号,住址,党员来源,所在党支部,入党日期"


def csv_bytes(*rows):
    return ("\n".join([HEADER, *rows]) + "\n").encode("utf-8")


def good_rows(code):
    return [
        f"张伟,男,1949-12-31,13800138000,11010519491231002X,{code},1-1-101,一号楼,退伍,,1975-07-01",
        f"王芳,女,,,440524188001010014,{code},1-1-101,一号楼,,,",
        f"李强,男,,,,{code},,,,,",
    ]


def test_it_imports_people_households_and_members(personas, regions):
    code = regions["A1"].code
    summary = people_import(
        data=csv_bytes(*good_rows(code)),
        filename="p.csv",
        scope_region=regions["A"],
        actor=personas["sub_admin"],
    )
    assert (summary.created, summary.updated, summary.households, summary.party_members) == (3, 0, 1, 1)
    zhang = Person.objects.get(name="张伟")
    assert zhang.household.members.count() == 2
    assert zhang.id_number() == "11010519491231002X"
    assert zhang.id_number_masked == "110105********002X"
    assert b"11010519491231002X" not in bytes(zhang.id_number_encrypted)
    assert PartyMembership.objects.get(person=zhang).origin == "veteran"
    assert AuditLog.objects.filter(action="people.import", actor=personas["sub_admin"]).exists()


def test_reimport_updates_instead_of_duplicating(personas, regions):
    code = regions["A1"].code
    people_import(
        data=csv_bytes(*good_rows(code)[:2]), filename="p.csv", scope_region=regions["A"], actor=None
    )
    changed = good_rows(code)[0].replace("13800138000", "13900139000")
    summary = people_import(data=csv_bytes(changed), filename="p.csv", scope_region=regions["A"], actor=None)
    assert (summary.created, summary.updated) == (0, 1)
    assert Person.objects.get(name="张伟").phone == "13900139000"


def test_it_rejects_every_bad_row_and_writes_nothing(personas, regions):
    a1, b1 = regions["A1"].code, regions["B1"].code
    rows = good_rows(a1) + [
        f",男,,,,{a1},,,,,",  # row 5: no name
        f"钱七,未知,,,,{a1},,,,,",  # row 6: bad gender
        f"孙八,男,,12345,,{a1},,,,,",  # row 7: bad phone
        f"周九,男,,,110105194912310021,{a1},,,,,",  # row 8: bad check digit
        f"吴十,男,,,,{b1},,,,,",  # row 9: community outside the importer's scope
        f"郑一,男,1950-01-01,,11010519491231002X,{a1},,,,,",  # row 10: duplicate ID, birth mismatch
        f"冯二,男,,,,{a1},,,党员,,",  # row 11: bad origin
    ]
    with pytest.raises(ImportRejected) as exc:
        people_import(data=csv_bytes(*rows), filename="p.csv", scope_region=regions["A"], actor=None)
    errors = exc.value.errors
    assert [e.split("：")[0] for e in errors] == [f"第 {n} 行" for n in range(5, 12)]
    assert "姓名" in errors[0] and "性别" in errors[1] and "手机号" in errors[2] and "校验位" in errors[3]
    assert "管辖范围" in errors[4] and "第 2 行重复" in errors[5] and "出生日期与身份证号不一致" in errors[5]
    assert Person.objects.count() == 2  # only the personas
    assert Household.objects.count() == 0


def test_it_reads_xlsx(personas, regions):
    wb = Workbook()
    ws = wb.active
    ws.append(HEADER.split(","))
    for row in good_rows(regions["A1"].code):
        ws.append(row.split(","))
    buf = io.BytesIO()
    wb.save(buf)
    summary = people_import(data=buf.getvalue(), filename="p.xlsx", scope_region=regions["A"], actor=None)
    assert summary.created == 3


@pytest.mark.parametrize(
    "data,filename,reason",
    [
        (b"", "p.csv", "空"),
        (b"not a workbook", "p.xlsx", "Excel"),
        ("姓名,性别\n张三,男\n".encode(), "p.csv", "缺少必需的列：社区代码"),
        (b"x", "p.txt", ".xlsx"),
    ],
)
def test_it_explains_unreadable_files(personas, regions, data, filename, reason):
    with pytest.raises(ImportRejected) as exc:
        people_import(data=data, filename=filename, scope_region=regions["A"], actor=None)
    assert reason in exc.value.errors[0]


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


def test_the_command_imports_and_lists_bad_rows(personas, regions, tmp_path):
    from django.core.management import call_command
    from django.core.management.base import CommandError

    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes(*good_rows(regions["A1"].code)))
    call_command("import_people", str(good), "--region", regions["A"].code, "--no-progress")
    assert Person.objects.filter(name="张伟").exists()
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(f"钱七,未知,,,,{regions['A1'].code},,,,,"))
    with pytest.raises(CommandError, match="未写入任何数据"):
        call_command("import_people", str(bad), "--region", regions["A"].code, "--no-progress")

"""The roster import: every row or none, and every bad row named with its number and reason."""

import datetime as dt
import io

import pytest
from openpyxl import Workbook

from conftest import make_person
from jiceng.core.jobs import import_job_start
from jiceng.core.models import ImportJob
from jiceng.core.validators import id_check_char
from jiceng.workforce import services
from jiceng.workforce.models import CommunityWorker, Qualification
from jiceng.workforce.queries import grade_of, settings_get

pytestmark = pytest.mark.django_db


def _id(seq: int, birth="19800101") -> str:
    first = f"510107{birth}{seq:03d}"
    return first + id_check_char(first)


def _resident(community, name, seq):
    p = make_person(community, name)
    p.set_id_number(_id(seq))
    p.save()
    return p


def _xlsx(rows) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append(services.COLUMNS)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


@pytest.fixture
def people(regions):
    return [_resident(regions["A1"], "张一", 11), _resident(regions["A2"], "李二", 21)]


def test_a_good_roster_hires_everyone_with_grade_and_qualification(regions, personas, people):
    a1, a2 = regions["A1"].code, regions["A2"].code
    data = _xlsx(
        [
            ["张一", _id(11), a1, "正职", "2015-06-01", "10", "社会工作师", "Z2019001", "2019-11-01"],
            ["李二", _id(21), a2, "其他", "2021/03/01", "", "", "", ""],
        ]
    )
    summary = services.roster_import(
        data=data, filename="r.xlsx", scope_region=regions["A"], actor=personas["sub_admin"]
    )
    assert (summary.hired, summary.qualifications) == (2, 1)
    zhang = CommunityWorker.objects.get(person=people[0])
    settings = settings_get(zhang.district_id, 2026)
    assert (zhang.post, zhang.hired_on, grade_of(zhang, settings)) == ("head", dt.date(2015, 6, 1), 10)
    assert grade_of(CommunityWorker.objects.get(person=people[1]), settings) == 1
    assert zhang.user.grants.filter(role="community_worker", region=regions["A1"]).exists()


def test_a_bad_roster_is_refused_whole_with_every_bad_row_listed(regions, personas, people):
    a1 = regions["A1"].code
    data = _xlsx(
        [
            ["张一", _id(11), a1, "正职", "2015-06-01", "10", "", "", ""],  # good
            ["王三", _id(31), a1, "其他", "2020-01-01", "", "", "", ""],  # not in the people roll
            [
                "李二",
                _id(21),
                regions["B1"].code,
                "副职",
                "2020-01-01",
                "",
                "",
                "",
                "",
            ],  # outside subdistrict A
            ["张一", _id(11), a1, "主任", "明天", "20", "", "", ""],  # duplicate, bad post, bad date
            ["@王五", "123", a1, "其他", "2020-01-01", "", "博士", "", ""],
        ]
    )
    with pytest.raises(services.RosterRejected) as exc:
        services.roster_import(
            data=data, filename="r.xlsx", scope_region=regions["A"], actor=personas["sub_admin"]
        )
    errors = exc.value.errors
    assert [e.split("：")[0] for e in errors] == ["第 3 行", "第 4 行", "第 5 行", "第 6 行"]
    assert "不在居民名册中" in errors[0]
    assert "不在您的管辖范围内" in errors[1]
    assert "与第 2 行重复" in errors[2] and "岗位" in errors[2] and "入职日期" in errors[2]
    assert "公式" in errors[3] and "身份证号" in errors[3] and "职业资格" in errors[3]
    assert CommunityWorker.objects.count() == 0 and Qualification.objects.count() == 0


def test_a_grade_outside_the_post_and_an_existing_worker_are_refused(regions, personas, people):
    services.worker_hire(
        actor=None, person=people[1], community=regions["A2"], post="other", hired_on=dt.date(2020, 1, 1)
    )
    data = _xlsx(
        [
            ["张一", _id(11), regions["A1"].code, "副职", "2015-06-01", "16", "", "", ""],
            ["李二", _id(21), regions["A2"].code, "其他", "2020-01-01", "", "", "", ""],
        ]
    )
    with pytest.raises(services.RosterRejected) as exc:
        services.roster_import(
            data=data, filename="r.xlsx", scope_region=regions["A"], actor=personas["sub_admin"]
        )
    assert "4 到 15 级" in exc.value.errors[0] and "已有社区工作者档案" in exc.value.errors[1]
    assert CommunityWorker.objects.count() == 1


def test_the_import_runs_as_a_job_and_the_job_page_lists_the_rows(client, regions, personas, people):
    data = _xlsx([["王三", _id(31), regions["A1"].code, "其他", "2020-01-01", "", "", "", ""]])
    job = import_job_start(
        kind="workforce_roster",
        filename="r.xlsx",
        actor=personas["sub_admin"],
        region=regions["A"],
        data=data,
    )
    client.force_login(personas["sub_admin"])
    from django.urls import reverse

    with_commit = ImportJob.objects.get(pk=job.pk)
    if with_commit.status == "running":  # the queue runs on commit; run it here the way the worker would
        from jiceng.core.jobs import import_job_run

        import_job_run.call(job.pk)
    page = client.get(reverse("workforce:import_job", args=[job.pk]))
    assert "第 2 行" in page.content.decode() and ImportJob.objects.get(pk=job.pk).status == "rejected"

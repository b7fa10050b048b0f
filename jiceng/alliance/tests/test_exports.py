"""The alliance downloads: every list as .xlsx, each export audited and holding only what is in scope."""

import io

import pytest
from openpyxl import load_workbook

from jiceng.alliance.tests.factories import get
from jiceng.core.models import AuditLog

pytestmark = pytest.mark.django_db


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.content)).worksheets[0]


@pytest.mark.parametrize(
    "name,header,action",
    [
        ("alliance:meetings_export", "会议名称", "alliance.export_meetings"),
        ("alliance:actions_export", "责任单位", "alliance.export_actions"),
        ("alliance:needs_export", "满意度（1–5）", "alliance.export_needs"),
        ("alliance:resources_export", "提供单位", "alliance.export_resources"),
        ("alliance:projects_export", "需求方评价（1–5）", "alliance.export_projects"),
        ("alliance:report_ins_export", "报到社区", "alliance.export_report_ins"),
        ("alliance:coverage_export", "覆盖率（%）", "alliance.export_coverage"),
    ],
)
def test_every_list_exports_to_xlsx_and_the_export_is_audited(client, personas, world, name, header, action):
    ws = _sheet(get(client, personas["sub_admin"], name))
    assert header in [c.value for c in ws[1]]
    assert ws.max_row >= 2
    log = AuditLog.objects.get(action=action)
    assert log.actor == personas["sub_admin"] and log.after["rows"] >= 1
    # an outsider's export holds none of A's rows
    other = _sheet(get(client, personas["outsider_sub_admin"], name))
    if name != "alliance:coverage_export":
        assert other.max_row == 1


def test_the_actions_export_marks_overdue_rows(client, personas, world):
    ws = _sheet(get(client, personas["sub_admin"], "alliance:actions_export"))
    headers = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    assert row[headers.index("任务")] == world["action"].title and row[headers.index("逾期")] == "逾期"


def test_the_members_export_lists_members_and_chair_terms(client, personas, world):
    response = get(client, personas["sub_admin"], "alliance:members_export", world["alliance"].pk)
    wb = load_workbook(io.BytesIO(response.content))
    assert [ws.title for ws in wb.worksheets] == ["成员单位", "轮值主席"]
    assert wb.worksheets[0].max_row == 4
    assert AuditLog.objects.filter(
        action="alliance.export_members", target_id=str(world["alliance"].pk)
    ).exists()

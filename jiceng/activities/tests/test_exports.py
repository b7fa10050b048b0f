"""The activity downloads: .xlsx files of the list and of the attendance, each export audited."""

import io

import pytest
from openpyxl import load_workbook

from jiceng.activities.models import CheckIn
from jiceng.alliance.tests.factories import get
from jiceng.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_exports_are_xlsx_and_audited(client, personas, live):
    CheckIn.objects.create(
        district_id=personas["resident"].person.district_id,
        activity=live,
        person=personas["resident"].person,
        checked_in_at=live.starts_at,
        checked_out_at=live.ends_at,
        minutes=120,
        method="qr",
        recorded_by=personas["worker"],
    )
    response = get(client, personas["worker"], "activities:attendance_export", live.pk)
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and rows[1][0] == personas["resident"].person.name and rows[1][-1] == 120
    assert AuditLog.objects.filter(action="activities.export_attendance", target_id=str(live.pk)).exists()
    response = get(client, personas["sub_admin"], "activities:list_export")
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[1][1] == "义诊活动" and rows[1][12] == 120
    assert AuditLog.objects.filter(action="activities.export_list").exists()

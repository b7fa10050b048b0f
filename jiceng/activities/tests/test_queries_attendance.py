"""Attendance as service: the alliance's report-in counts what a member attended from these check-ins.

The reader lives here (activities sits above alliance) and is handed to the alliance at
start-up, so these tests run the two together: service accumulating while reported in,
and the yearly confirmation and feedback sheet built from it.
"""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jiceng.activities.models import ActivityStatus
from jiceng.activities.tests.factories import activity, attended
from jiceng.alliance import services
from jiceng.alliance.queries.report_in import service_record_get, service_record_list
from jiceng.alliance.tests.factories import at, reported_in
from jiceng.core.models import AuditLog

pytestmark = pytest.mark.django_db


def test_service_accumulates_from_check_ins_while_reported_in(regions, personas):
    report = reported_in(personas, regions, today=dt.date(2026, 2, 1))
    person, worker = report.person, personas["worker"]
    before = activity(regions["A1"], worker, at(dt.date(2026, 1, 20)))
    attended(before, person, 100)  # before reporting in: not counted
    one = activity(regions["A1"], worker, at(dt.date(2026, 3, 1)))
    attended(one, person, 90)
    two = activity(regions["B1"], worker, at(dt.date(2026, 5, 1)), hours=3)  # anywhere in the district counts
    attended(two, person, 150)
    cancelled = activity(regions["A1"], worker, at(dt.date(2026, 6, 1)), status=ActivityStatus.CANCELLED)
    attended(cancelled, person, 60)
    still_in = activity(regions["A1"], worker, at(dt.date(2026, 7, 1)))
    row = attended(still_in, person, 60)
    row.checked_out_at = row.minutes = None  # not checked out yet: not counted
    row.save()
    next_year = activity(regions["A1"], worker, at(dt.date(2027, 1, 5)))
    attended(next_year, person, 45)
    record = service_record_get(report, 2026)
    assert (record.activities, record.minutes, record.hours_label) == (2, 240, "4.0")
    assert [c.activity for c in record.rows] == [one, two]
    assert service_record_list([report], 2027)[report.pk].minutes == 45
    services.report_in_withdraw(report_in=report, actor=personas["worker"], today=dt.date(2026, 4, 1))
    report.refresh_from_db()
    assert service_record_get(report, 2026).minutes == 90 and service_record_get(report, 2027).minutes == 0


def test_the_community_confirms_a_year_once_and_exports_the_feedback_sheet(client, regions, personas):
    report = reported_in(personas, regions, today=dt.date(2025, 2, 1))
    attended(activity(regions["A1"], personas["worker"], at(dt.date(2025, 3, 1))), report.person, 90)
    attended(activity(regions["A1"], personas["worker"], at(dt.date(2025, 9, 9), 14)), report.person, 75)
    confirmation = services.report_in_confirm(
        report_in=report, year=2025, comment="表现突出", actor=personas["worker"]
    )
    assert (confirmation.activities, confirmation.minutes) == (2, 165)
    with pytest.raises(services.AllianceError, match="已经确认过"):
        services.report_in_confirm(report_in=report, year=2025, actor=personas["worker"])
    with pytest.raises(services.AllianceError, match="只能确认"):
        services.report_in_confirm(report_in=report, year=2024, actor=personas["worker"])

    client.force_login(personas["worker"])
    url = reverse("alliance:report_in_feedback", args=[report.pk, 2025])
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"].startswith(
        "application/vnd.openxmlformats"
    )
    wb = load_workbook(io.BytesIO(response.content))
    summary = dict(wb.worksheets[0].iter_rows(min_row=2, values_only=True))
    assert (
        summary["姓名"] == report.person.name and summary["所在党组织/工作单位"] == "中共某国企第一支部委员会"
    )
    assert (
        summary["参加活动次数"] == 2
        and summary["服务时长（小时）"] == 2.8
        and summary["社区评价意见"] == "表现突出"
    )
    details = list(wb.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert [row[-1] for row in details] == [90, 75]
    assert AuditLog.objects.filter(
        action="alliance.export_report_in_feedback", target_id=str(report.pk)
    ).exists()
    # outsiders cannot read it, and a year not confirmed has no sheet yet
    client.force_login(personas["outsider_worker"])
    assert client.get(url).status_code == 404
    client.force_login(personas["worker"])
    assert client.get(reverse("alliance:report_in_feedback", args=[report.pk, 2026])).status_code == 302

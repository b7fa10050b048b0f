"""Party-member report-in: reporting in, service accumulating from check-ins, the yearly feedback."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from jiceng.activities.models import ActivityStatus
from jiceng.activities.tests.factories import activity, attended
from jiceng.alliance import services
from jiceng.alliance.models import ReportIn
from jiceng.alliance.queries.report_in import service_record, service_records
from jiceng.alliance.tests.factories import at, party_org
from jiceng.core.models import AuditLog
from jiceng.people.models import PartyMembership

pytestmark = pytest.mark.django_db


def _member(personas, regions, origin="in_service"):
    person = personas["resident"].person
    branch = party_org(regions["B1"], "中共某国企第一支部委员会")
    PartyMembership.objects.create(person=person, district=person.district, origin=origin, home_branch=branch)
    return person, branch


def _report(personas, regions, **kw):
    person, branch = _member(personas, regions)
    post = services.service_post_create(community=regions["A1"], name="助老服务岗", actor=personas["worker"])
    report = services.report_in_submit(
        person=person,
        origin="state_enterprise",
        home_branch=branch,
        posts=[post],
        actor=personas["resident"],
        today=kw.get("today", dt.date(2026, 2, 1)),
    )
    return report


def test_only_party_members_report_in_and_only_once(regions, personas):
    resident = personas["resident"]
    with pytest.raises(services.AllianceError, match="只有党员"):
        services.report_in_submit(
            person=resident.person, origin="retired", home_unit_name="某单位", actor=resident
        )
    report = _report(personas, regions)
    assert report.community == regions["A1"] and report.origin == "state_enterprise"
    assert list(report.posts.values_list("name", flat=True)) == ["助老服务岗"]
    with pytest.raises(services.AllianceError, match="已于 2026-02-01"):
        services.report_in_submit(
            person=resident.person, origin="retired", home_unit_name="某单位", actor=resident
        )


def test_it_needs_a_home_branch_or_unit_and_posts_of_the_own_community(regions, personas):
    person, _branch = _member(personas, regions)
    with pytest.raises(services.AllianceError, match="所在党组织"):
        services.report_in_submit(person=person, origin="retired", actor=personas["resident"])
    elsewhere = services.service_post_create(
        community=regions["A2"], name="巡逻岗", actor=personas["sub_admin"]
    )
    with pytest.raises(services.AllianceError, match="不在您报到的社区"):
        services.report_in_submit(
            person=person,
            origin="retired",
            home_unit_name="某厂",
            posts=[elsewhere],
            actor=personas["resident"],
        )
    report = services.report_in_submit(
        person=person, origin="retired", home_unit_name="某厂党委", actor=personas["resident"]
    )
    assert report.home_label == "某厂党委"


def test_service_accumulates_from_check_ins_while_reported_in(regions, personas):
    report = _report(personas, regions, today=dt.date(2026, 2, 1))
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
    record = service_record(report, 2026)
    assert (record.activities, record.minutes, record.hours_label) == (2, 240, "4.0")
    assert [c.activity for c in record.rows] == [one, two]
    assert service_records([report], 2027)[report.pk].minutes == 45
    services.report_in_withdraw(report_in=report, actor=personas["worker"], today=dt.date(2026, 4, 1))
    report.refresh_from_db()
    assert service_record(report, 2026).minutes == 90 and service_record(report, 2027).minutes == 0


def test_the_community_confirms_a_year_once_and_exports_the_feedback_sheet(client, regions, personas):
    report = _report(personas, regions, today=dt.date(2025, 2, 1))
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


def test_the_resident_reports_in_on_their_phone(client, regions, personas):
    person, branch = _member(personas, regions)
    services.service_post_create(community=regions["A1"], name="政策宣讲岗", actor=personas["worker"])
    client.force_login(personas["resident"])
    page = client.get(reverse("alliance:report_in_me")).content.decode()
    assert "政策宣讲岗" in page and regions["A1"].name in page
    post = ReportIn._meta.get_field("posts").related_model.objects.get()
    response = client.post(
        reverse("alliance:report_in_me"), {"origin": "veteran", "home_branch": branch.pk, "posts": [post.pk]}
    )
    assert response.status_code == 302
    report = ReportIn.objects.get(person=person)
    assert report.origin == "veteran" and list(report.posts.all()) == [post]
    assert "报到" in client.get(reverse("alliance:report_in_me")).content.decode()


def test_a_resident_who_is_not_a_party_member_is_told_what_to_do(client, personas):
    client.force_login(personas["resident"])
    page = client.get(reverse("alliance:report_in_me")).content.decode()
    assert "系统里没有您的党员记录" in page

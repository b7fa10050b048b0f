import datetime as dt

import pytest
from django.utils import timezone

from jiceng.core.models import AuditLog
from jiceng.linkage import services
from jiceng.linkage.errors import LinkageError
from jiceng.linkage.models import Assignment, Evidence
from jiceng.linkage.tests.factories import grid, issue, pdf

pytestmark = pytest.mark.django_db


def test_issuing_makes_one_row_per_recipient_under_the_issuers_row(regions, personas):
    root = issue(regions["district"], [regions["A"], regions["B"]], personas["district_admin"])
    rows = list(root.children.order_by("region__code"))
    assert [r.region for r in rows] == [regions["A"], regions["B"]]
    assert all(r.root_id == root.pk and r.title == root.title for r in rows)
    assert root.region == regions["district"] and root.parent is None
    assert AuditLog.objects.filter(action="linkage.assignment_issue").count() == 1


def test_a_task_goes_only_to_the_level_directly_below(regions, personas):
    with pytest.raises(LinkageError, match="直接下级"):
        issue(regions["district"], [regions["A1"]], personas["district_admin"])
    with pytest.raises(LinkageError, match="直接下级"):
        issue(regions["A"], [regions["B1"]], personas["sub_admin"])
    g = grid(regions["A1"])
    with pytest.raises(LinkageError, match="最基层"):
        issue(g, [], personas["worker"])
    assert not Assignment.objects.exists()


def test_a_detected_kind_is_not_sent_below_where_its_records_can_be_told_apart(regions, personas):
    with pytest.raises(LinkageError, match="街道"):
        issue(regions["A"], [regions["A1"]], personas["sub_admin"], evidence=Evidence.SYMPOSIUM)
    g = grid(regions["A1"])
    with pytest.raises(LinkageError, match="社区"):
        issue(regions["A1"], [g], personas["worker"], evidence=Evidence.ACTIVITY)
    # needs reach a grid through the household, so that split is allowed
    assert issue(regions["A1"], [g], personas["worker"], evidence=Evidence.NEED).children.count() == 1


def test_deadline_before_the_start_is_refused(regions, personas):
    with pytest.raises(LinkageError, match="完成期限"):
        issue(regions["district"], [regions["A"]], personas["district_admin"], days=-20, start_days=-10)


def test_split_passes_the_task_down_and_only_once_per_recipient(regions, personas):
    root = issue(regions["district"], [regions["A"]], personas["district_admin"])
    row = root.children.get()
    made = services.assignment_split(assignment=row, recipients=[regions["A1"]], actor=personas["sub_admin"])
    assert [m.region for m in made] == [regions["A1"]] and made[0].root_id == root.pk
    with pytest.raises(LinkageError, match="都已经收到"):
        services.assignment_split(assignment=row, recipients=[regions["A1"]], actor=personas["sub_admin"])
    with pytest.raises(LinkageError, match="不能继续下派"):
        no_split = issue(regions["district"], [regions["B"]], personas["district_admin"], may_split=False)
        services.assignment_split(
            assignment=no_split.children.get(), recipients=[regions["B1"]], actor=personas["sub_admin"]
        )


def test_a_number_report_must_reach_the_target_and_is_taken_once(regions, personas):
    root = issue(regions["district"], [regions["A"]], personas["district_admin"], target=10)
    row = root.children.get()
    with pytest.raises(LinkageError, match="少于"):
        services.assignment_report(assignment=row, actor=personas["sub_admin"], number=9)
    with pytest.raises(LinkageError, match="数量"):
        services.assignment_report(assignment=row, actor=personas["sub_admin"])
    services.assignment_report(assignment=row, actor=personas["sub_admin"], number=12, note="已排查")
    row.refresh_from_db()
    assert row.report_number == 12 and row.reported_at is not None
    with pytest.raises(LinkageError, match="报送过"):
        services.assignment_report(assignment=row, actor=personas["sub_admin"], number=12)


def test_a_file_task_needs_a_file(regions, personas):
    row = issue(
        regions["district"], [regions["A"]], personas["district_admin"], evidence=Evidence.FILE
    ).children.get()
    with pytest.raises(LinkageError, match="上传"):
        services.assignment_report(assignment=row, actor=personas["sub_admin"])
    services.assignment_report(assignment=row, actor=personas["sub_admin"], file=pdf())
    row.refresh_from_db()
    assert row.report_file.name.endswith(".pdf")


def test_nobody_reports_a_detected_task_or_a_split_one(regions, personas):
    detected = issue(regions["district"], [regions["A"]], personas["district_admin"], evidence=Evidence.NEED)
    with pytest.raises(LinkageError, match="自动认定"):
        services.assignment_report(assignment=detected.children.get(), actor=personas["sub_admin"], number=1)
    row = issue(regions["district"], [regions["B"]], personas["district_admin"]).children.get()
    services.assignment_split(assignment=row, recipients=[regions["B1"]], actor=personas["sub_admin"])
    with pytest.raises(LinkageError, match="下级全部完成"):
        services.assignment_report(assignment=row, actor=personas["sub_admin"], number=1)


def test_report_keeps_the_given_time(regions, personas):
    row = issue(regions["district"], [regions["A"]], personas["district_admin"]).children.get()
    when = timezone.now() - dt.timedelta(days=2)
    services.assignment_report(assignment=row, actor=personas["sub_admin"], number=1, now=when)
    row.refresh_from_db()
    assert row.reported_at == when

"""Writes of tasks: issuing down one level, splitting further down, and reporting completion."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core.audit import audit
from jiceng.linkage.errors import LinkageError
from jiceng.linkage.models import DETECTED_DOWN_TO, Assignment, Evidence
from jiceng.regions.models import CHILD_LEVEL, LEVEL_ORDER, Level, Region

# Who issues to whom: the district to subdistricts, subdistricts to communities, communities to grids.
ISSUING_LEVELS = (Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY)


def _check_recipients(region: Region, recipients: list[Region], evidence: str) -> None:
    if region.level not in ISSUING_LEVELS:
        raise LinkageError(_("网格是最基层，不能再向下派任务。"))
    if not recipients:
        raise LinkageError(_("请至少选择一个承办单位。"))
    below = CHILD_LEVEL[region.level]
    for r in recipients:
        if r.parent_id != region.pk or r.level != below:
            raise LinkageError(_("%(name)s 不是本级的直接下级，不能向它派任务。") % {"name": r.name})
    lowest = DETECTED_DOWN_TO.get(evidence)
    if lowest and LEVEL_ORDER.index(below) > LEVEL_ORDER.index(lowest):
        raise LinkageError(
            _("“%(e)s”只能识别到%(l)s一级，不能派给%(b)s。请改用“上传材料”或“填报数字”。")
            % {"e": Evidence(evidence).label, "l": Level(lowest).label, "b": Level(below).label}
        )


def _copy_to(parent: Assignment, recipient: Region, actor) -> Assignment:
    return Assignment(
        district_id=parent.district_id,
        root_id=parent.root_id or parent.pk,
        parent=parent,
        region=recipient,
        title=parent.title,
        body=parent.body,
        starts_on=parent.starts_on,
        deadline=parent.deadline,
        evidence=parent.evidence,
        target=parent.target,
        may_split=parent.may_split,
        created_by=actor,
    )


@transaction.atomic
def assignment_issue(
    *,
    region: Region,
    recipients: list[Region],
    title: str,
    body: str,
    starts_on: dt.date,
    deadline: dt.date,
    evidence: str,
    target: int = 1,
    may_split: bool = True,
    actor,
) -> Assignment:
    """Issue a task from `region` to some of the regions directly below it; one row per recipient."""
    if evidence not in Evidence.values:
        raise LinkageError(_("请选择完成凭据。"))
    if deadline < starts_on:
        raise LinkageError(_("完成期限不能早于起算日期。"))
    if target < 1:
        raise LinkageError(_("数量要求至少为 1。"))
    _check_recipients(region, recipients, evidence)
    district = Region.objects.get(code=region.district_code)
    root = Assignment.objects.create(
        district=district,
        region=region,
        title=title,
        body=body,
        starts_on=starts_on,
        deadline=deadline,
        evidence=evidence,
        target=target,
        may_split=may_split,
        created_by=actor,
    )
    Assignment.objects.bulk_create([_copy_to(root, r, actor) for r in recipients])
    audit(actor, "linkage.assignment_issue", root, after={"recipients": [r.code for r in recipients]})
    return root


@transaction.atomic
def assignment_split(*, assignment: Assignment, recipients: list[Region], actor) -> list[Assignment]:
    """Pass a received task on to regions directly below the recipient; it is then done when they are."""
    assignment = Assignment.objects.select_for_update().select_related("region").get(pk=assignment.pk)
    if assignment.parent_id is None:
        raise LinkageError(_("这是本级下派的任务，请在“下派”里增加承办单位。"))
    if not assignment.may_split:
        raise LinkageError(_("上级要求本级直接完成，这项任务不能继续下派。"))
    if assignment.reported_at:
        raise LinkageError(_("这项任务已经报送完成，不能再下派。"))
    _check_recipients(assignment.region, recipients, assignment.evidence)
    taken = set(assignment.children.values_list("region_id", flat=True))
    fresh = [r for r in recipients if r.pk not in taken]
    if not fresh:
        raise LinkageError(_("所选单位都已经收到这项任务。"))
    rows = Assignment.objects.bulk_create([_copy_to(assignment, r, actor) for r in fresh])
    audit(actor, "linkage.assignment_split", assignment, after={"recipients": [r.code for r in fresh]})
    return rows


@transaction.atomic
def assignment_report(
    *, assignment: Assignment, actor, note: str = "", number: int | None = None, file=None, now=None
) -> Assignment:
    """Report a task done with its evidence: a file or a number. Detected tasks need no report."""
    assignment = Assignment.objects.select_for_update().get(pk=assignment.pk)
    if assignment.is_detected:
        raise LinkageError(_("这项任务由系统根据台账自动认定完成，不需要报送。"))
    if assignment.parent_id is None:
        raise LinkageError(_("本级下派的任务由各承办单位报送。"))
    if assignment.children.exists():
        raise LinkageError(_("这项任务已经下派，下级全部完成后自动完成。"))
    if assignment.reported_at:
        raise LinkageError(_("这项任务已经报送过了。"))
    if assignment.evidence == Evidence.NUMBER:
        if number is None:
            raise LinkageError(_("请填写完成的数量。"))
        if number < assignment.target:
            raise LinkageError(
                _("填报的数量 %(n)d 少于要求的 %(t)d，达到后再报送。") % {"n": number, "t": assignment.target}
            )
        assignment.report_number = number
    if assignment.evidence == Evidence.FILE:
        if not file:
            raise LinkageError(_("请上传完成材料。"))
        assignment.report_file = file
    assignment.report_note = note
    assignment.reported_at = now or timezone.now()
    assignment.reported_by = actor
    assignment.save()
    audit(actor, "linkage.assignment_report", assignment)
    return assignment

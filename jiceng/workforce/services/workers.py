"""Writes of a worker's record: hiring, placement, leaving, qualifications, assessment results and corrections.

Every record is appended; `CommunityWorker.community/post/left_on` mirror the latest placement and
leaving, written in the same transaction. The community-worker role in `core` follows the placement.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core.audit import audit, snapshot
from jiceng.core.models import Role, RoleGrant, User
from jiceng.people.models import Person
from jiceng.regions.models import Level, Region
from jiceng.workforce.errors import WorkforceError
from jiceng.workforce.models import (
    LEVEL_RANK,
    AssessmentResult,
    Cause,
    CommunityWorker,
    EventKind,
    GradeChange,
    Post,
    Qualification,
    Result,
    WorkerEvent,
)
from jiceng.workforce.queries.grades import grade_of, qualification_highest
from jiceng.workforce.queries.settings import settings_get


def _district_of(region: Region) -> Region:
    return Region.objects.get(code=region.district_code)


def _grant_role(user: User, community: Region) -> None:
    RoleGrant.objects.get_or_create(
        user=user, role=Role.COMMUNITY_WORKER, region=community, organization=None
    )


def _drop_role(user: User | None, community: Region) -> None:
    if user is not None:
        RoleGrant.objects.filter(user=user, role=Role.COMMUNITY_WORKER, region=community).delete()


def _login_for(person: Person) -> User:
    """The person's login; one without an account gets one without a password (set it on the profile page)."""
    user = User.objects.filter(person=person).first()
    if user is not None:
        return user
    phone = person.phone if person.phone and not User.objects.filter(phone=person.phone).exists() else None
    user = User(username=f"worker-{person.pk}", phone=phone, person=person, display_name=person.name)
    user.set_unusable_password()
    user.save()
    return user


def grade_step_append(
    *, worker: CommunityWorker, cause: str, delta: int, on: dt.date, year: int, note: str = "", actor=None
) -> GradeChange | None:
    """Append a grade change, cut to what the post's range allows; None when nothing would move."""
    settings = settings_get(worker.district_id, on.year)
    low, high = settings.range_of(worker.post)
    current = grade_of(worker, settings)
    delta = max(low - current, min(high - current, delta))
    if delta == 0 or (delta < 0 and cause != Cause.CORRECTION):
        return None
    return GradeChange.objects.create(
        district_id=worker.district_id,
        worker=worker,
        cause=cause,
        delta=delta,
        grade_after=current + delta,
        effective_on=on,
        year=year,
        note=note[:200],
        created_by=actor,
    )


@transaction.atomic
def worker_hire(
    *, actor, person: Person, community: Region, post: str, hired_on: dt.date, note: str = ""
) -> CommunityWorker:
    """Hire a resident as a community worker of `community`; their login gets the worker role there."""
    if community.level != Level.COMMUNITY:
        raise WorkforceError(_("请选择一个社区。"))
    if post not in Post.values:
        raise WorkforceError(_("请选择岗位：正职、副职或其他社区工作者。"))
    if hired_on > timezone.localdate():
        raise WorkforceError(_("入职日期不能晚于今天。"))
    district = _district_of(community)
    if person.district_id != district.pk:
        raise WorkforceError(_("这位居民不在本区的居民名册中。"))
    if CommunityWorker.objects.filter(district=district, person=person).exists():
        raise WorkforceError(_("%(n)s 已有社区工作者档案，无需重复录入。") % {"n": person.name})
    user = _login_for(person)
    worker = CommunityWorker.objects.create(
        district=district, person=person, user=user, community=community, post=post, hired_on=hired_on
    )
    WorkerEvent.objects.create(
        district_id=worker.district_id,
        worker=worker,
        kind=EventKind.HIRE,
        on=hired_on,
        community=community,
        post=post,
        note=note,
        created_by=actor,
    )
    _grant_role(user, community)
    audit(actor, "workforce.worker_hire", worker, after=snapshot(worker))
    return worker


@transaction.atomic
def worker_place(
    *, actor, worker: CommunityWorker, community: Region, post: str, on: dt.date, note: str = ""
) -> CommunityWorker:
    """Move a worker to another community or post; the grade steps carry over, within the new post's range."""
    worker = CommunityWorker.objects.select_for_update().get(pk=worker.pk)
    if worker.left_on is not None:
        raise WorkforceError(_("已离职的工作者不能调整岗位。"))
    if community.level != Level.COMMUNITY or community.district_code != worker.district.code:
        raise WorkforceError(_("请选择本区的一个社区。"))
    if post not in Post.values:
        raise WorkforceError(_("请选择岗位：正职、副职或其他社区工作者。"))
    if community.pk == worker.community_id and post == worker.post:
        raise WorkforceError(_("社区和岗位都没有变化。"))
    if on < worker.hired_on:
        raise WorkforceError(_("调整日期不能早于入职日期。"))
    before = snapshot(worker)
    if community.pk != worker.community_id:
        _drop_role(worker.user, worker.community)
        if worker.user is not None:
            _grant_role(worker.user, community)
    worker.community, worker.post = community, post
    worker.save(update_fields=["community", "post"])
    WorkerEvent.objects.create(
        district_id=worker.district_id,
        worker=worker,
        kind=EventKind.PLACEMENT,
        on=on,
        community=community,
        post=post,
        note=note,
        created_by=actor,
    )
    audit(actor, "workforce.worker_place", worker, before=before, after=snapshot(worker))
    return worker


@transaction.atomic
def worker_leave(*, actor, worker: CommunityWorker, on: dt.date, note: str = "") -> CommunityWorker:
    """Record that a worker left; their login loses the worker role, the record stays."""
    worker = CommunityWorker.objects.select_for_update().get(pk=worker.pk)
    if worker.left_on is not None:
        raise WorkforceError(_("已经登记过离职。"))
    if on < worker.hired_on:
        raise WorkforceError(_("离职日期不能早于入职日期。"))
    worker.left_on = on
    worker.save(update_fields=["left_on"])
    WorkerEvent.objects.create(
        district_id=worker.district_id,
        worker=worker,
        kind=EventKind.LEAVE,
        on=on,
        community=worker.community,
        note=note,
        created_by=actor,
    )
    _drop_role(worker.user, worker.community)
    audit(actor, "workforce.worker_leave", worker, after={"left_on": on.isoformat()})
    return worker


@transaction.atomic
def qualification_record(
    *, actor, worker: CommunityWorker, level: str, cert_number: str, issued_on: dt.date, scan=None
) -> Qualification:
    """Record a qualification; a higher one than held adds the difference in grades (they do not stack)."""
    worker = CommunityWorker.objects.select_for_update().get(pk=worker.pk)
    if issued_on > timezone.localdate():
        raise WorkforceError(_("取得日期不能晚于今天。"))
    if Qualification.objects.filter(worker=worker, level=level).exists():
        raise WorkforceError(_("这一级职业资格已经登记过。"))
    held = qualification_highest([worker.pk]).get(worker.pk)
    qualification = Qualification.objects.create(
        district_id=worker.district_id,
        worker=worker,
        level=level,
        cert_number=cert_number,
        issued_on=issued_on,
        created_by=actor,
    )
    if scan is not None:
        qualification.scan.save(f"q{qualification.pk}-{scan.name}", scan, save=True)
    settings = settings_get(worker.district_id, issued_on.year)
    gain = settings.grades_for(level) - settings.grades_for(held)
    if held is None or LEVEL_RANK[level] > LEVEL_RANK[held]:
        grade_step_append(
            worker=worker,
            cause=Cause.QUALIFICATION,
            delta=gain,
            on=max(issued_on, worker.hired_on),
            year=issued_on.year,
            note=str(qualification.get_level_display()),
            actor=actor,
        )
    audit(
        actor, "workforce.qualification_record", worker, after={"level": level, "issued_on": str(issued_on)}
    )
    return qualification


@transaction.atomic
def assessment_record(*, actor, worker: CommunityWorker, year: int, result: str) -> AssessmentResult:
    """Record a worker's yearly assessment result (one per year; the promotion run reads it)."""
    if result not in Result.values:
        raise WorkforceError(_("考核结果应为优秀、合格、基本合格或不合格。"))
    if year > timezone.localdate().year or year < worker.hired_on.year:
        raise WorkforceError(_("考核年度应在入职年份到今年之间。"))
    if AssessmentResult.objects.filter(worker=worker, year=year).exists():
        raise WorkforceError(_("%(y)d 年度的考核结果已经登记过。") % {"y": year})
    row = AssessmentResult.objects.create(
        district_id=worker.district_id, worker=worker, year=year, result=result, created_by=actor
    )
    audit(actor, "workforce.assessment_record", worker, after={"year": year, "result": result})
    return row


@transaction.atomic
def grade_correct(*, actor, worker: CommunityWorker, delta: int, on: dt.date, note: str) -> GradeChange:
    """Correct a worker's grade up or down, with the reason; the only way a grade goes down."""
    worker = CommunityWorker.objects.select_for_update().get(pk=worker.pk)
    if not note.strip():
        raise WorkforceError(_("更正等级要写明原因。"))
    change = grade_step_append(
        worker=worker, cause=Cause.CORRECTION, delta=delta, on=on, year=on.year, note=note, actor=actor
    )
    if change is None:
        raise WorkforceError(_("等级已在岗位范围的边界，更正后没有变化。"))
    audit(actor, "workforce.grade_correct", worker, after={"delta": change.delta, "note": note})
    return change

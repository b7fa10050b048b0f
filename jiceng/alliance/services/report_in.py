"""Writes of party-member report-in: posts, reporting in, and the community's yearly confirmation."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.alliance.errors import AllianceError
from jiceng.alliance.models import (
    Project,
    ProjectStatus,
    ReportIn,
    ReportInConfirmation,
    ReportInStatus,
    ServicePost,
)
from jiceng.alliance.queries.report_in import service_record_get
from jiceng.core.audit import audit, snapshot
from jiceng.orgs.models import Kind, Organization
from jiceng.people.models import Origin, PartyMembership, Person
from jiceng.regions.models import Level, Region


@transaction.atomic
def service_post_create(*, community: Region, name: str, actor, description: str = "") -> ServicePost:
    if community.level != Level.COMMUNITY:
        raise AllianceError(_("服务岗位要设在社区。"))
    if not name.strip():
        raise AllianceError(_("请填写岗位名称。"))
    if ServicePost.objects.filter(community=community, name=name.strip()).exists():
        raise AllianceError(_("本社区已有“%(n)s”岗位。") % {"n": name.strip()})
    post = ServicePost.objects.create(community=community, name=name.strip(), description=description.strip())
    audit(actor, "alliance.service_post_create", post, after=snapshot(post))
    return post


def _check_choices(community: Region, posts, projects) -> None:
    for post in posts:
        if post.community_id != community.pk or not post.is_active:
            raise AllianceError(_("岗位“%(p)s”不在您报到的社区，请重新选择。") % {"p": post.name})
    for project in projects:
        if project.need.community_id != community.pk or project.status != ProjectStatus.ONGOING:
            raise AllianceError(_("项目“%(p)s”不在您报到的社区或已结项，请重新选择。") % {"p": project.title})


@transaction.atomic
def report_in_submit(
    *,
    person: Person,
    origin: str,
    actor,
    home_branch: Organization | None = None,
    home_unit_name: str = "",
    posts: list[ServicePost] = (),
    projects: list[Project] = (),
    today: dt.date | None = None,
) -> ReportIn:
    """A party member reports in to the community where they live and picks posts or projects there."""
    membership = PartyMembership.objects.filter(person=person).first()
    if membership is None:
        raise AllianceError(_("只有党员可以到社区报到。如果您是党员但系统里没有记录，请联系社区工作人员。"))
    Person.objects.select_for_update().get(pk=person.pk)
    current = (
        ReportIn.objects.filter(person=person, status=ReportInStatus.ACTIVE)
        .select_related("community")
        .first()
    )
    if current is not None:
        raise AllianceError(
            _("您已于 %(d)s 在%(c)s报到。") % {"d": current.reported_on, "c": current.community.name}
        )
    if origin not in Origin.values:
        raise AllianceError(_("请选择党员来源：国企、退伍、大学生、离退休或在职。"))
    if home_branch is not None and (
        home_branch.kind != Kind.PARTY or home_branch.district_id != person.district_id
    ):
        raise AllianceError(_("所在党组织请从本区的党组织中选择；不在列表里的请填写名称。"))
    if home_branch is None and not home_unit_name.strip():
        raise AllianceError(_("请选择所在党组织，或填写工作单位及党组织名称，以便向您的党组织反馈。"))
    _check_choices(person.community, posts, projects)
    report = ReportIn.objects.create(
        district_id=person.district_id,
        community=person.community,
        person=person,
        membership=membership,
        origin=origin,
        home_branch=home_branch,
        home_unit_name="" if home_branch else home_unit_name.strip(),
        reported_on=today or timezone.localdate(),
    )
    here = {"district_id": report.district_id}
    report.posts.set(posts, through_defaults=here)
    report.projects.set(projects, through_defaults=here)
    audit(actor, "alliance.report_in", report, after=snapshot(report))
    return report


@transaction.atomic
def report_in_choose(
    *, report_in: ReportIn, posts: list[ServicePost], projects: list[Project], actor
) -> ReportIn:
    """Change the posts and projects a reported-in member serves."""
    if report_in.status != ReportInStatus.ACTIVE:
        raise AllianceError(_("报到已转出，不能再认领岗位。"))
    _check_choices(report_in.community, posts, projects)
    here = {"district_id": report_in.district_id}
    report_in.posts.set(posts, through_defaults=here)
    report_in.projects.set(projects, through_defaults=here)
    return report_in


@transaction.atomic
def report_in_withdraw(*, report_in: ReportIn, actor, today: dt.date | None = None) -> ReportIn:
    report_in = ReportIn.objects.select_for_update().get(pk=report_in.pk)
    if report_in.status != ReportInStatus.ACTIVE:
        raise AllianceError(_("已经转出了。"))
    before = snapshot(report_in)
    report_in.status = ReportInStatus.WITHDRAWN
    report_in.withdrawn_on = today or timezone.localdate()
    report_in.save(update_fields=["status", "withdrawn_on"])
    audit(actor, "alliance.report_in_withdraw", report_in, before=before, after=snapshot(report_in))
    return report_in


@transaction.atomic
def report_in_confirm(*, report_in: ReportIn, year: int, actor, comment: str = "") -> ReportInConfirmation:
    """The community confirms a member's year of service, from the check-in records, once a year."""
    today = timezone.localdate()
    if year > today.year or year < report_in.reported_on.year:
        raise AllianceError(
            _("只能确认 %(a)d 年至 %(b)d 年的服务情况。") % {"a": report_in.reported_on.year, "b": today.year}
        )
    ReportIn.objects.select_for_update().get(pk=report_in.pk)
    if report_in.confirmations.filter(year=year).exists():
        raise AllianceError(_("%(y)d 年度的服务情况已经确认过了。") % {"y": year})
    record = service_record_get(report_in, year)
    confirmation = ReportInConfirmation.objects.create(
        district_id=report_in.district_id,
        report_in=report_in,
        year=year,
        activities=record.activities,
        minutes=record.minutes,
        comment=comment.strip(),
        confirmed_by=actor,
    )
    audit(actor, "alliance.report_in_confirm", confirmation, after=snapshot(confirmation))
    return confirmation

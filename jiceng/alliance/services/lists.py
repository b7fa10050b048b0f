"""Writes of the three lists: needs, resources, and the projects that pair them."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.alliance.errors import AllianceError
from jiceng.alliance.models import (
    ListCategory,
    Need,
    NeedSource,
    NeedStatus,
    Project,
    ProjectStatus,
    Resource,
    Urgency,
)
from jiceng.alliance.queries.lists import project_may_rate
from jiceng.core.audit import audit, snapshot
from jiceng.orgs.models import Organization
from jiceng.people.models import Person
from jiceng.regions.models import Level, Region


def _check_where(community: Region, lon: float | None, lat: float | None) -> None:
    if community.level != Level.COMMUNITY:
        raise AllianceError(_("请选择一个社区。"))
    if (lon is None) != (lat is None):
        raise AllianceError(_("经度和纬度要么都填，要么都不填。"))
    if lon is not None and not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise AllianceError(_("经纬度超出范围：经度在 -180 到 180 之间，纬度在 -90 到 90 之间。"))


def _check_category(category: str) -> None:
    if category not in ListCategory.values:
        raise AllianceError(_("请选择类别。"))


def _check_rating(rating) -> None:
    if isinstance(rating, bool) or not isinstance(rating, int) or not 1 <= rating <= 5:
        raise AllianceError(_("请选择 1 到 5 分的评价（5 分最满意）。"))


@transaction.atomic
def need_create(
    *,
    community: Region,
    title: str,
    category: str,
    source: str,
    actor,
    urgency: str = Urgency.NORMAL,
    description: str = "",
    requester: Person | None = None,
    lon: float | None = None,
    lat: float | None = None,
) -> Need:
    """Put a need of a resident or of a community on the needs list."""
    _check_where(community, lon, lat)
    _check_category(category)
    if not title.strip():
        raise AllianceError(_("请写明需要什么。"))
    if urgency not in Urgency.values:
        raise AllianceError(_("请选择紧急程度。"))
    if source not in NeedSource.values:
        raise AllianceError(_("请选择需求来源。"))
    if source == NeedSource.RESIDENT and requester is None:
        raise AllianceError(_("居民提出的需求要写明是哪位居民。"))
    need = Need.objects.create(
        district_id=Region.objects.only("id").get(code=community.district_code).id,
        community=community,
        title=title.strip(),
        description=description.strip(),
        category=category,
        urgency=urgency,
        source=source,
        requester=requester,
        lon=lon,
        lat=lat,
        filed_by=actor,
    )
    audit(actor, "alliance.need_create", need, after=snapshot(need))
    return need


@transaction.atomic
def need_withdraw(*, need: Need, actor) -> Need:
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.status != NeedStatus.OPEN:
        raise AllianceError(_("只有待认领的需求可以撤回；已有项目的需求请结项。"))
    before = snapshot(need)
    need.status = NeedStatus.WITHDRAWN
    need.save(update_fields=["status"])
    audit(actor, "alliance.need_withdraw", need, before=before, after=snapshot(need))
    return need


@transaction.atomic
def resource_create(
    *,
    organization: Organization,
    community: Region,
    title: str,
    category: str,
    actor,
    amount: str = "",
    description: str = "",
    lon: float | None = None,
    lat: float | None = None,
) -> Resource:
    """Put what a unit offers on the resources list."""
    _check_where(community, lon, lat)
    _check_category(category)
    if not title.strip():
        raise AllianceError(_("请写明能提供什么资源。"))
    if organization.district_id != Region.objects.only("id").get(code=community.district_code).id:
        raise AllianceError(_("提供单位和所在社区不在同一个区。"))
    resource = Resource.objects.create(
        district_id=organization.district_id,
        community=community,
        organization=organization,
        title=title.strip(),
        description=description.strip(),
        category=category,
        amount=amount.strip(),
        lon=lon,
        lat=lat,
        filed_by=actor,
    )
    audit(actor, "alliance.resource_create", resource, after=snapshot(resource))
    return resource


@transaction.atomic
def resource_withdraw(*, resource: Resource, actor) -> Resource:
    before = snapshot(resource)
    resource.is_active = False
    resource.save(update_fields=["is_active"])
    audit(actor, "alliance.resource_withdraw", resource, before=before, after=snapshot(resource))
    return resource


@transaction.atomic
def project_create(
    *,
    need: Need,
    resources: list[Resource],
    title: str,
    owner: Organization,
    starts_on: dt.date,
    ends_on: dt.date,
    actor,
) -> Project:
    """Pair an open need with one or more resources under an owner and a timeline."""
    need = Need.objects.select_for_update().get(pk=need.pk)
    if need.status != NeedStatus.OPEN:
        raise AllianceError(
            _("这条需求目前是“%(s)s”，只有待认领的需求可以立项。") % {"s": need.get_status_display()}
        )
    if not resources:
        raise AllianceError(_("请至少选择一项资源。"))
    for r in resources:
        if not r.is_active or r.district_id != need.district_id:
            raise AllianceError(_("资源“%(r)s”已不可用，请换一项。") % {"r": r.title})
    if owner.district_id != need.district_id:
        raise AllianceError(_("牵头单位必须在本区。"))
    if ends_on < starts_on:
        raise AllianceError(_("计划完成日期不能早于开始日期。"))
    project = Project.objects.create(
        district_id=need.district_id,
        need=need,
        title=title.strip() or need.title,
        owner=owner,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    project.resources.set(resources, through_defaults={"district_id": project.district_id})
    need.status = NeedStatus.IN_PROGRESS
    need.save(update_fields=["status"])
    audit(
        actor,
        "alliance.project_create",
        project,
        after=snapshot(project) | {"resources": [r.pk for r in resources]},
    )
    return project


@transaction.atomic
def project_close(*, project: Project, closure_note: str, actor, now: dt.datetime | None = None) -> Project:
    """Close a project; its need is then resolved, at this moment."""
    project = Project.objects.select_for_update().get(pk=project.pk)
    if project.status != ProjectStatus.ONGOING:
        raise AllianceError(_("项目已结项。"))
    if not closure_note.strip():
        raise AllianceError(_("请填写结项说明：做了什么、解决到什么程度。"))
    now = now or timezone.now()
    before = snapshot(project)
    project.status = ProjectStatus.CLOSED
    project.closure_note = closure_note.strip()
    project.closed_at = now
    project.save(update_fields=["status", "closure_note", "closed_at"])
    Need.objects.filter(pk=project.need_id).update(status=NeedStatus.RESOLVED, resolved_at=now)
    audit(actor, "alliance.project_close", project, before=before, after=snapshot(project))
    return project


@transaction.atomic
def project_rate(
    *, project: Project, rating: int, actor, comment: str = "", now: dt.datetime | None = None
) -> Project:
    """The requester's 1–5 rating of a closed project, kept on the project and on its need."""
    project = Project.objects.select_for_update().select_related("need").get(pk=project.pk)
    if not project_may_rate(actor, project):
        raise AllianceError(_("只有提出需求的居民（社区需求由本社区工作人员）才能评价。"))
    if project.status != ProjectStatus.CLOSED:
        raise AllianceError(_("项目结项后才能评价。"))
    if project.rating is not None:
        raise AllianceError(_("已经评价过了，每个项目只评价一次。"))
    _check_rating(rating)
    now = now or timezone.now()
    project.rating = rating
    project.rating_comment = comment.strip()[:200]
    project.rated_at = now
    project.save(update_fields=["rating", "rating_comment", "rated_at"])
    Need.objects.filter(pk=project.need_id).update(rating=rating, rated_at=now)
    audit(
        actor, "alliance.project_rate", project, after={"rating": rating, "comment": project.rating_comment}
    )
    return project

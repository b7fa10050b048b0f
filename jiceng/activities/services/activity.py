"""Writes of an activity itself: publishing it, cancelling it, and the row lock the other writes take."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.activities.errors import ActivityError
from jiceng.activities.models import Activity, ActivityStatus, OrganizerKind
from jiceng.core.audit import audit, snapshot
from jiceng.orgs.models import Kind, Organization
from jiceng.regions.models import Level, Region


def local_time(when: dt.datetime) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M")


def activity_lock(activity: Activity) -> Activity:
    """The activity's row, fresh and locked until the caller's transaction ends."""
    return Activity.objects.select_for_update().get(pk=activity.pk)


def _check_organizer(community: Region, organizer_kind: str, organizer_org, alliance, action) -> None:
    if organizer_kind == OrganizerKind.UNIT:
        if organizer_org is None or organizer_org.kind == Kind.PARTY:
            raise ActivityError(_("单位主办的活动要写明主办单位。"))
    elif organizer_kind == OrganizerKind.SOCIAL:
        if organizer_org is None or organizer_org.kind != Kind.SOCIAL:
            raise ActivityError(_("社会组织承办的活动要写明承办的社会组织。"))
    elif organizer_kind == OrganizerKind.ALLIANCE:
        if alliance is None or not alliance.region.contains(community):
            raise ActivityError(_("联盟主办的活动要在联盟范围内的社区举办。"))
    elif organizer_kind != OrganizerKind.COMMUNITY:
        raise ActivityError(_("请选择主办方。"))
    if action is not None and (alliance is None or action.alliance_id != alliance.pk):
        raise ActivityError(_("对应的联盟任务不属于主办联盟。"))


@transaction.atomic
def activity_publish(
    *,
    community: Region,
    organizer_kind: str,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    actor,
    place: str = "",
    service_place=None,
    organizer_org: Organization | None = None,
    alliance=None,
    action=None,
    description: str = "",
    capacity: int | None = None,
    signup_required: bool = False,
    now: dt.datetime | None = None,
) -> Activity:
    """Publish an activity of a community, a unit or an alliance."""
    now = now or timezone.now()
    if community.level != Level.COMMUNITY:
        raise ActivityError(_("请选择活动举办的社区。"))
    if service_place is not None:
        if service_place.community_id != community.pk:
            raise ActivityError(_("所选阵地不在举办社区，请重新选择。"))
        place = place.strip() or service_place.name
    if not title.strip() or not place.strip():
        raise ActivityError(_("请填写活动名称和活动地点。"))
    if ends_at <= starts_at:
        raise ActivityError(_("结束时间要晚于开始时间。"))
    if ends_at <= now:
        raise ActivityError(_("结束时间已经过去了，请检查日期。"))
    if capacity is not None and capacity < 1:
        raise ActivityError(_("人数上限至少为 1；不限人数请留空。"))
    _check_organizer(community, organizer_kind, organizer_org, alliance, action)
    activity = Activity.objects.create(
        district_id=Region.objects.only("id").get(code=community.district_code).id,
        community=community,
        organizer_kind=organizer_kind,
        organizer_org=organizer_org,
        alliance=alliance,
        action=action,
        title=title.strip(),
        description=description.strip(),
        place=place.strip(),
        service_place=service_place,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        signup_required=signup_required,
        published_by=actor,
    )
    audit(actor, "activities.publish", activity, after=snapshot(activity) | {"secret": None})
    return activity


@transaction.atomic
def activity_cancel(*, activity: Activity, actor) -> Activity:
    """Call an activity off before anyone checked in."""
    activity = activity_lock(activity)
    if activity.status != ActivityStatus.PUBLISHED:
        raise ActivityError(_("活动状态为“%(s)s”，不能进行此操作。") % {"s": activity.get_status_display()})
    if activity.checkins.exists():
        raise ActivityError(_("已经有人签到，不能取消；请改为结束活动。"))
    activity.status = ActivityStatus.CANCELLED
    activity.closed_at = timezone.now()
    activity.save(update_fields=["status", "closed_at"])
    audit(actor, "activities.cancel", activity, after={"status": activity.status})
    return activity

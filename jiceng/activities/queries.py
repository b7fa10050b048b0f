"""Reads of activities: what an organiser manages and what a resident can join."""

from django.db.models import Q, QuerySet

from jiceng.activities.models import Activity, ActivityStatus, CheckIn
from jiceng.core.models import Role
from jiceng.core.scope import scope_for, scoped
from jiceng.regions.models import prefix_range

ORGANISERS = (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN, Role.COMMUNITY_WORKER, Role.UNIT_OPERATOR)
_RELATED = ("community", "organizer_org", "alliance")


def organised(user) -> QuerySet[Activity]:
    """Activities the user may run: in their region, or published by their organisation."""
    return scoped(
        user,
        Activity.objects.select_related(*_RELATED),
        region="community",
        org="organizer_org",
        roles=ORGANISERS,
    )


def for_resident(user) -> QuerySet[Activity]:
    """Activities a resident can see and join: in their own subdistrict, or of the district alliance."""
    person = getattr(user, "person", None)
    if person is None or not scope_for(user).has(Role.RESIDENT):
        return Activity.objects.none()
    community = person.community
    return (
        Activity.objects.filter(district_id=person.district_id)
        .filter(prefix_range(community.code[:9], "community__code") | Q(alliance__level="district"))
        .exclude(status=ActivityStatus.CANCELLED)
        .select_related(*_RELATED)
    )


def visible(user) -> QuerySet[Activity]:
    return organised(user) | for_resident(user)


def attendance(activity: Activity) -> list[CheckIn]:
    return list(activity.checkins.select_related("person", "recorded_by").order_by("checked_in_at", "pk"))

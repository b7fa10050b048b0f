"""Reads of activities: what an organiser manages, what a resident can join, who publishes as whom."""

import datetime as dt

from django.db.models import Q, QuerySet
from django.utils import timezone

from jiceng.activities.models import Activity, ActivityStatus, OrganizerKind
from jiceng.alliance.models import ActionStatus, Track
from jiceng.alliance.queries import visible as alliance_visible
from jiceng.core.models import Role
from jiceng.core.scope import scope_for, scoped
from jiceng.orgs.models import Kind, Organization
from jiceng.regions.models import Level, Region

ORGANISERS = (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN, Role.COMMUNITY_WORKER, Role.UNIT_OPERATOR)
_RELATED = ("community", "organizer_org", "alliance")


def activity_list_organised(user) -> QuerySet[Activity]:
    """Activities the user may run: in their region, or published by their organisation."""
    return scoped(
        user,
        Activity.objects.select_related(*_RELATED),
        region="community",
        org="organizer_org",
        roles=ORGANISERS,
    )


def activity_list_for_resident(user) -> QuerySet[Activity]:
    """Activities a resident can see and join: in their own subdistrict, or of the district alliance."""
    person = getattr(user, "person", None)
    if person is None or not scope_for(user).has(Role.RESIDENT):
        return Activity.objects.none()
    near = person.community.subtree_q("community", level=Level.SUBDISTRICT)
    return (
        Activity.objects.filter(district_id=person.district_id)
        .filter(near | Q(alliance__level="district"))
        .exclude(status=ActivityStatus.CANCELLED)
        .select_related(*_RELATED)
    )


def activity_list_visible(user) -> QuerySet[Activity]:
    return activity_list_organised(user) | activity_list_for_resident(user)


def activity_list_upcoming_for_resident(user, limit: int = 30) -> list[Activity]:
    """Published activities a resident can join, soonest first, including those that ended today."""
    since = timezone.now() - dt.timedelta(days=1)
    return list(
        activity_list_for_resident(user)
        .filter(status=ActivityStatus.PUBLISHED, ends_at__gte=since)
        .order_by("starts_at")[:limit]
    )


def organizer_choices_get(user) -> tuple[str, dict]:
    """Who the user publishes as, and the choices the form offers.

    Administrators publish for an alliance (with its open joint-activity actions),
    community workers for their community, unit operators for their unit, in the
    communities of the unit's subdistrict.
    """
    scope = scope_for(user)
    communities = alliance_visible.community_list_visible(user, roles=ORGANISERS)
    if scope.has(Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN):
        return OrganizerKind.ALLIANCE, {
            "communities": communities,
            "alliances": alliance_visible.alliance_list_visible(user).filter(is_active=True),
            "actions": alliance_visible.action_list_visible(user).filter(
                track=Track.JOINT_ACTIVITY, status=ActionStatus.OPEN
            ),
        }
    if scope.has(Role.COMMUNITY_WORKER):
        district = scope.work_community().district_code if scope.work_community() else None
        social = Organization.objects.filter(district__code=district, kind=Kind.SOCIAL, is_active=True)
        return OrganizerKind.COMMUNITY, {"communities": communities, "social_orgs": social.order_by("name")}
    return OrganizerKind.UNIT, {
        "communities": alliance_visible.community_list_near_orgs(user),
        "orgs": Organization.objects.filter(pk__in=scope.org_ids, is_active=True),
    }


def organization_get_party_of(community: Region) -> Organization | None:
    """The community's own party organisation, which a community-run activity is published under."""
    return Organization.objects.filter(region=community, kind=Kind.PARTY, is_active=True).first()

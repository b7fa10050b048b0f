"""What each user may see of the alliance app, all through the one scope helper.

Administrators of a subdistrict see their alliance and everything under it; the district
sees every alliance. Community workers and unit operators see the actions their own
organisations own, the lists of their community, and the resources they offer.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from jiceng.alliance.models import (
    Action,
    Alliance,
    AllianceMember,
    Meeting,
    Need,
    Project,
    ReportIn,
    Resource,
    SectorBranch,
)
from jiceng.core.models import Role
from jiceng.core.scope import scope_for, scoped
from jiceng.orgs.models import Kind, Organization
from jiceng.regions.models import Level, Region

ADMINS = (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN)
STAFF = (*ADMINS, Role.COMMUNITY_WORKER)
ORG_SIDE = (Role.COMMUNITY_WORKER, Role.UNIT_OPERATOR)
# Who runs an alliance and its meetings: administrators above, and a community's workers for the
# community's own alliance (its region is their community, so a subdistrict's stays out of reach).
CONVENERS = STAFF


def alliance_list_visible(user) -> QuerySet[Alliance]:
    return scoped(user, Alliance.objects.select_related("region"), region="region", roles=CONVENERS)


def member_list_visible(user) -> QuerySet[AllianceMember]:
    return scoped(
        user,
        AllianceMember.objects.select_related("organization__region", "alliance"),
        region="alliance__region",
        roles=CONVENERS,
    )


def meeting_list_visible(user) -> QuerySet[Meeting]:
    return scoped(
        user, Meeting.objects.select_related("alliance"), region="alliance__region", roles=CONVENERS
    )


def action_list_visible(user) -> QuerySet[Action]:
    base = Action.objects.all()
    mine = scoped(user, base, region="alliance__region", roles=ADMINS) | scoped(
        user, base, region="owner__region", org="owner", roles=ORG_SIDE
    )
    return mine.select_related("owner", "alliance", "resolution__meeting", "served_community")


def need_list_visible(user) -> QuerySet[Need]:
    return scoped(
        user, Need.objects.select_related("community", "requester"), region="community", roles=STAFF
    )


def resource_list_visible(user) -> QuerySet[Resource]:
    return scoped(
        user,
        Resource.objects.select_related("community", "organization"),
        region="community",
        org="organization",
        roles=(*STAFF, Role.UNIT_OPERATOR),
    )


def project_list_visible(user) -> QuerySet[Project]:
    return scoped(
        user,
        Project.objects.select_related("need__community", "owner"),
        region="need__community",
        org="owner",
        roles=(*STAFF, Role.UNIT_OPERATOR),
    )


def report_in_list_visible(user) -> QuerySet[ReportIn]:
    return scoped(
        user,
        ReportIn.objects.select_related("person", "community", "home_branch"),
        region="community",
        roles=STAFF,
    )


def sector_org_list_visible(user) -> QuerySet[Organization]:
    return scoped(
        user,
        Organization.objects.filter(kind=Kind.NEW_SECTOR, is_active=True).select_related("region"),
        region="region",
        roles=ADMINS,
    )


def sector_branch_list_visible(user) -> QuerySet[SectorBranch]:
    return scoped(
        user,
        SectorBranch.objects.select_related("sector_org__region"),
        region="sector_org__region",
        roles=ADMINS,
    )


def community_list_visible(user, roles=STAFF) -> QuerySet[Region]:
    """The active communities under the regions the user's `roles` are bound to."""
    return scoped(user, Region.objects.active(), region="", roles=roles).filter(level=Level.COMMUNITY)


def community_list_near_orgs(user) -> QuerySet[Region]:
    """The active communities of the subdistricts where the user's own organisations sit.

    A unit serves its neighbourhood, not only the community it is registered in.
    """
    q = Q(pk__in=[])
    orgs = Organization.objects.filter(pk__in=scope_for(user).org_ids, is_active=True).select_related(
        "region"
    )
    for org in orgs:
        q |= org.region.subtree_q(level=Level.SUBDISTRICT)
    return Region.objects.filter(q, level=Level.COMMUNITY, is_active=True)


def region_list_foundable(user) -> QuerySet[Region]:
    """Regions without an alliance yet: subdistricts and districts for administrators, a worker's community."""
    above = scoped(user, Region.objects.active(), region="", roles=ADMINS).filter(
        level__in=[Level.SUBDISTRICT, Level.DISTRICT]
    )
    own = scoped(user, Region.objects.active(), region="", roles=(Role.COMMUNITY_WORKER,)).filter(
        level=Level.COMMUNITY
    )
    return (above | own).exclude(Exists(Alliance.objects.filter(region=OuterRef("pk"))))


def organization_list_offering(user) -> QuerySet[Organization]:
    """Organisations the user may register resources for: any but party ones in the staff's area, or their own."""
    scope = scope_for(user)
    if scope.has(*STAFF):
        return scoped(
            user, Organization.objects.filter(is_active=True), region="region", roles=STAFF
        ).exclude(kind=Kind.PARTY)
    return Organization.objects.filter(pk__in=scope.org_ids, is_active=True)


def community_list_offering(user) -> QuerySet[Region]:
    """Communities the user may offer a resource in: the staff's own, or those near a unit."""
    if scope_for(user).has(*STAFF):
        return community_list_visible(user)
    return community_list_near_orgs(user)

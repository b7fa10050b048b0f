"""What each user may see of the alliance app, all through the one scope helper.

Administrators of a subdistrict see their alliance and everything under it; the district
sees every alliance. Community workers and unit operators see the actions their own
organisations own, the lists of their community, and the resources they offer.
"""

from django.db.models import QuerySet

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
from jiceng.core.scope import scoped
from jiceng.orgs.models import Kind, Organization

ADMINS = (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN)
STAFF = (*ADMINS, Role.COMMUNITY_WORKER)
ORG_SIDE = (Role.COMMUNITY_WORKER, Role.UNIT_OPERATOR)


def alliances(user) -> QuerySet[Alliance]:
    return scoped(user, Alliance.objects.select_related("region"), region="region", roles=ADMINS)


def members(user) -> QuerySet[AllianceMember]:
    return scoped(
        user,
        AllianceMember.objects.select_related("organization__region", "alliance"),
        region="alliance__region",
        roles=ADMINS,
    )


def meetings(user) -> QuerySet[Meeting]:
    return scoped(user, Meeting.objects.select_related("alliance"), region="alliance__region", roles=ADMINS)


def actions(user) -> QuerySet[Action]:
    base = Action.objects.all()
    mine = scoped(user, base, region="alliance__region", roles=ADMINS) | scoped(
        user, base, region="owner__region", org="owner", roles=ORG_SIDE
    )
    return mine.select_related("owner", "alliance", "resolution__meeting", "served_community")


def needs(user) -> QuerySet[Need]:
    return scoped(
        user, Need.objects.select_related("community", "requester"), region="community", roles=STAFF
    )


def resources(user) -> QuerySet[Resource]:
    return scoped(
        user,
        Resource.objects.select_related("community", "organization"),
        region="community",
        org="organization",
        roles=(*STAFF, Role.UNIT_OPERATOR),
    )


def projects(user) -> QuerySet[Project]:
    return scoped(
        user,
        Project.objects.select_related("need__community", "owner"),
        region="need__community",
        org="owner",
        roles=(*STAFF, Role.UNIT_OPERATOR),
    )


def report_ins(user) -> QuerySet[ReportIn]:
    return scoped(
        user,
        ReportIn.objects.select_related("person", "community", "home_branch"),
        region="community",
        roles=STAFF,
    )


def sector_orgs(user) -> QuerySet[Organization]:
    return scoped(
        user,
        Organization.objects.filter(kind=Kind.NEW_SECTOR, is_active=True).select_related("region"),
        region="region",
        roles=ADMINS,
    )


def sector_branches(user) -> QuerySet[SectorBranch]:
    return scoped(
        user,
        SectorBranch.objects.select_related("sector_org__region"),
        region="sector_org__region",
        roles=ADMINS,
    )

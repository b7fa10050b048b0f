"""Who a scheme assesses, how each subject is named in a run's hash, and who speaks for it."""

import datetime as dt

from django.db.models import Q

from jiceng.alliance.models import AllianceMember
from jiceng.assessment.models import Scheme, SubjectType
from jiceng.core.models import Role
from jiceng.core.scope import scope_for
from jiceng.orgs.models import Kind, Organization
from jiceng.regions.models import Level, Region

_LEVEL = {SubjectType.SUBDISTRICT: Level.SUBDISTRICT, SubjectType.COMMUNITY: Level.COMMUNITY}

Subject = Region | Organization


def subject_list(scheme: Scheme) -> list[Subject]:
    """The subjects of a scheme, in a stable order.

    Subdistrict and community schemes: the active regions of that level in the district, by code.
    Unit schemes: the district's active resident units (organisations of kind unit) and every
    active organisation that was a member of one of the district's alliances during the scheme's
    year (joined by its last day, not left before its first), by name. Worker schemes have no
    computed subjects yet.
    """
    if scheme.subject_type == SubjectType.UNIT:
        return unit_subject_list(scheme.district, scheme.year)
    level = _LEVEL.get(scheme.subject_type)
    if level is None:
        return []
    return list(
        Region.objects.filter(scheme.district.subtree_q(), level=level, is_active=True).order_by("code")
    )


def unit_subject_list(district: Region, year: int) -> list[Organization]:
    first, last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    members = AllianceMember.objects.filter(
        Q(left_on__isnull=True) | Q(left_on__gte=first),
        alliance__district=district,
        joined_on__lte=last,
    ).values("organization_id")
    return list(
        Organization.objects.filter(Q(kind=Kind.UNIT) | Q(pk__in=members), district=district, is_active=True)
        .select_related("region", "parent")
        .order_by("name", "pk")
    )


def subject_key(subject: Subject) -> str:
    """The subject's stable name in a run's canonical JSON: a region's code, or "org:<id>" for a unit."""
    if isinstance(subject, Organization):
        return f"org:{subject.pk}"
    return subject.code


def subject_region(subject: Subject) -> Region:
    """Where the subject is: the region itself, or the region a unit is registered in."""
    return subject.region if isinstance(subject, Organization) else subject


def speaks_for(user, subject: Subject | None) -> bool:
    """The subject's own voice: its subdistrict administrator, a worker of the community, or the unit's operator."""
    if subject is None:
        return False
    scope = scope_for(user)
    if isinstance(subject, Organization):
        return Role.UNIT_OPERATOR in scope.roles and subject.pk in scope.org_ids
    role = {Level.SUBDISTRICT: Role.SUBDISTRICT_ADMIN, Level.COMMUNITY: Role.COMMUNITY_WORKER}.get(
        subject.level
    )
    return any(r == role and g.pk == subject.pk for r, g in scope.grants)

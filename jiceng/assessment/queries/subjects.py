"""Who a scheme assesses."""

from jiceng.assessment.models import Scheme, SubjectType
from jiceng.core.models import Role
from jiceng.core.scope import scope_for
from jiceng.regions.models import Level, Region

_LEVEL = {SubjectType.SUBDISTRICT: Level.SUBDISTRICT, SubjectType.COMMUNITY: Level.COMMUNITY}


def subject_list(scheme: Scheme) -> list[Region]:
    """The active regions of the scheme's subject level in its district, by code.

    Units and workers are not yet assessed by computed indicators: their schemes have no subjects.
    """
    level = _LEVEL.get(scheme.subject_type)
    if level is None:
        return []
    return list(
        Region.objects.filter(scheme.district.subtree_q(), level=level, is_active=True).order_by("code")
    )


def speaks_for(user, region) -> bool:
    """The subject's own voice: its subdistrict administrator, or a worker of the community."""
    if region is None:
        return False
    role = {Level.SUBDISTRICT: Role.SUBDISTRICT_ADMIN, Level.COMMUNITY: Role.COMMUNITY_WORKER}.get(
        region.level
    )
    return any(r == role and g.pk == region.pk for r, g in scope_for(user).grants)

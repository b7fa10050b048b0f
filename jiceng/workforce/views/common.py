"""What the career system's pages share: the roles that may use them and the requester's district."""

from django.utils import timezone

from jiceng.core.models import Role
from jiceng.core.scope import require_role
from jiceng.regions.models import Level, Region

ADMINS = (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN)


def admin_scope(user):
    """The administrator's scope, their work regions and district; 404 for any other role."""
    scope = require_role(user, *ADMINS)
    regions = scope.regions_for(ADMINS)
    district = Region.objects.get(code=regions[0].district_code)
    return scope, regions, district


def subdistricts_of(regions):
    q = Region.objects.none()
    for r in regions:
        q = q | Region.objects.filter(r.subtree_q(), level=Level.SUBDISTRICT)
    return q.order_by("code")


def this_year() -> int:
    return timezone.localdate().year


def year_param(request, default=None) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return default or this_year()
    return year if 2000 <= year <= 2100 else (default or this_year())

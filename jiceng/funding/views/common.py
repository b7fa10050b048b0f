"""What the funding pages share: who may use them and which regions and lines they reach."""

from django.db.models import QuerySet
from django.http import Http404

from jiceng.core.models import Role
from jiceng.core.scope import get_scoped_or_404, require_role, scoped
from jiceng.funding.forms import YearForm
from jiceng.funding.models import Budget
from jiceng.regions.models import Level, Region

ADMINS = (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN)


def admin_scope(request):
    """The district's organisation department and subdistrict administrators; anyone else gets 404."""
    return require_role(request.user, *ADMINS)


def year_of(request) -> int:
    return YearForm(request.GET or None).year_or_now()


def regions_in_scope(user, *levels) -> QuerySet[Region]:
    qs = scoped(user, Region.objects.filter(is_active=True), region="", roles=ADMINS)
    return qs.filter(level__in=levels) if levels else qs


def region_in_scope(user, code: str | None) -> Region:
    """The region named by `code` (default: the user's own) if it lies in their scope."""
    scope = require_role(user, *ADMINS)
    if not code:
        region = scope.regions_for(ADMINS)[0] if scope.regions_for(ADMINS) else None
        if region is None:
            raise Http404
        return region
    return get_scoped_or_404(user, Region.objects.all(), region="", roles=ADMINS, code=code)


def lines_in_scope(user, year: int) -> QuerySet[Budget]:
    return scoped(user, Budget.objects.select_related("region"), region="region", roles=ADMINS).filter(
        year=year, region__level__in=(Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY)
    )

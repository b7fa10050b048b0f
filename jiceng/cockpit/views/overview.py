from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from jiceng.cockpit.queries.overview import region_can_drill, region_overview_get
from jiceng.core.models import Role
from jiceng.core.scope import get_scoped_or_404, require_role
from jiceng.regions.models import Region

STAFF = (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN, Role.COMMUNITY_WORKER)


@login_required
def overview_view(request: HttpRequest, code: str | None = None) -> HttpResponse:
    scope = require_role(request.user, *STAFF)
    if code is None:
        region = scope.primary_region
    else:
        region = get_scoped_or_404(request.user, Region.objects.all(), region="", code=code)
    total, children = region_overview_get(region)
    crumbs = [r for r in region.ancestors() if scope.covers(r)] + [region]
    return render(
        request,
        "cockpit/overview.html",
        {
            "region": region,
            "total": total,
            "children": children,
            "crumbs": crumbs,
            "drill": region_can_drill(region),
            "chart": {
                "names": [c.region.name for c in children],
                "series": [
                    {"name": _("居民"), "data": [c.residents for c in children]},
                    {"name": _("党员"), "data": [c.party_members for c in children]},
                ],
            },
        },
    )

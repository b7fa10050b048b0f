from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiceng.core.models import Role
from jiceng.core.scope import require_role, scoped
from jiceng.regions.models import Level, Region


@login_required
def region_tree(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.DISTRICT_ADMIN)
    regions = scoped(
        request.user,
        Region.objects.filter(level__in=[Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY]),
        region="",
    )
    return render(request, "regions/tree.html", {"regions": regions})

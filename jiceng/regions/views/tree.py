"""The region tree as the district sees it."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiceng.core.models import Role
from jiceng.core.scope import require_role
from jiceng.regions.queries.tree import region_list_for


@login_required
def region_tree(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.DISTRICT_ADMIN)
    return render(request, "regions/tree.html", {"regions": region_list_for(request.user)})

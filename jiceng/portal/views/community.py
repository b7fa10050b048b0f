"""A community's own page."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiceng.cockpit.queries.overview import region_summary_get
from jiceng.core.models import Role
from jiceng.core.scope import get_scoped_or_404
from jiceng.diary.queries.entries import diary_entry_list_shared
from jiceng.portal.queries.community import organization_list_party, worker_list
from jiceng.regions.models import Level, Region


@login_required
def community(request: HttpRequest, code: str) -> HttpResponse:
    """Open to its residents and to staff whose scope covers it."""
    # Residents open their own community; staff the communities they work in.
    region = get_scoped_or_404(
        request.user,
        Region.objects.select_related("parent"),
        region="",
        roles=list(Role),
        code=code,
        level=Level.COMMUNITY,
    )
    return render(
        request,
        "portal/community.html",
        {
            "community": region,
            "summary": region_summary_get(region),
            "orgs": organization_list_party(region),
            "workers": worker_list(region),
            "shared": diary_entry_list_shared(region),
        },
    )

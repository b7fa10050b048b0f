"""A community's own page."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from jiceng.bank.queries.rules import rule_list_citing
from jiceng.charters.queries.charter import charter_list_current
from jiceng.cockpit.queries.overview import region_summary_get
from jiceng.core.models import Role
from jiceng.core.scope import scoped
from jiceng.diary.queries.entries import diary_entry_list_shared
from jiceng.portal.queries.community import organization_list_party, worker_list
from jiceng.regions.models import Level, Region


def community(request: HttpRequest, code: str) -> HttpResponse:
    """Open to anyone: the name, the counts, shared diary entries (masked names, numbers
    redacted) and the notice boards. Its residents and the staff whose scope covers it also
    see its party organisations and its workers."""
    region = get_object_or_404(Region.objects.select_related("parent"), code=code, level=Level.COMMUNITY)
    charters = charter_list_current(region)
    for c in charters:
        c.citing_rules = list(rule_list_citing(c))  # the Moral Bank rules written from its articles
    inside = scoped(request.user, Region.objects.filter(pk=region.pk), region="", roles=list(Role)).exists()
    return render(
        request,
        "portal/community.html",
        {
            "community": region,
            "summary": region_summary_get(region),
            "inside": inside,
            "orgs": organization_list_party(region) if inside else [],
            "workers": worker_list(region) if inside else [],
            "shared": diary_entry_list_shared(region),
            "charters": charters,
        },
    )

"""How the service places are used, and the idle ones (阵地空置), for staff in scope."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from jiceng.activities.queries.places import IDLE_DAYS, place_history_get, place_use_list
from jiceng.circle.models import ServicePlace
from jiceng.core.models import Role
from jiceng.core.scope import get_scoped_or_404, require_role

STAFF = (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN, Role.COMMUNITY_WORKER)


@login_required
def place_use(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *STAFF)
    idle_only = request.GET.get("idle") == "1"
    uses = place_use_list(request.user, idle_only=idle_only)
    return render(
        request,
        "activities/places.html",
        {"uses": uses, "idle_only": idle_only, "idle_days": IDLE_DAYS},
    )


@login_required
def place_history(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *STAFF)
    place = get_scoped_or_404(
        request.user, ServicePlace.objects.select_related("community"), region="community", pk=pk
    )
    return render(request, "activities/place.html", {"history": place_history_get(place)})

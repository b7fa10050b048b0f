"""Pages of an activity: the lists, publishing, the detail page and the list export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jiceng.activities import exports, services
from jiceng.activities.forms import ActivityForm
from jiceng.activities.models import OrganizerKind
from jiceng.activities.queries.activity import (
    ORGANISERS,
    activity_list_for_resident,
    activity_list_organised,
    activity_list_upcoming_for_resident,
    activity_list_visible,
    organization_get_party_of,
    organizer_choices_get,
)
from jiceng.activities.queries.attendance import attendance_labels, checkin_get, signup_get_open
from jiceng.activities.views.common import get_or_404
from jiceng.core.models import Role
from jiceng.core.scope import require_role
from jiceng.core.sheets import xlsx_response


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    scope = require_role(request.user, *ORGANISERS, Role.RESIDENT)
    organised = None
    if scope.has(*ORGANISERS):
        activities = activity_list_organised(request.user).order_by("-starts_at")
        organised = Paginator(activities, 30).get_page(request.GET.get("page"))
    nearby = None
    person = getattr(request.user, "person", None)
    if scope.has(Role.RESIDENT) and person is not None:
        upcoming = activity_list_upcoming_for_resident(request.user)
        labels = attendance_labels(person, upcoming)
        nearby = [(a, labels.get(a.pk, "")) for a in upcoming]
    return render(
        request, "activities/list.html", {"organised": organised, "nearby": nearby, "person": person}
    )


@login_required
def list_export(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *ORGANISERS)
    return xlsx_response(
        request,
        filename="activities",
        sheets=exports.activity_sheets(activity_list_organised(request.user)),
        action="activities.export_list",
    )


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *ORGANISERS)
    kind, choices = organizer_choices_get(request.user)
    form = ActivityForm(request.POST or None, **choices)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        social_org = data.pop("social_org", None)
        if kind == OrganizerKind.COMMUNITY and social_org is not None:
            kind, data["organizer_org"] = (
                OrganizerKind.SOCIAL,
                social_org,
            )  # co-hosted with a social organisation
        elif kind == OrganizerKind.COMMUNITY:
            data["organizer_org"] = organization_get_party_of(data["community"])
        try:
            activity = services.activity_publish(organizer_kind=kind, actor=request.user, **data)
        except services.ActivityError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("活动已发布。活动当天打开“现场签到”页面，让参加人扫码签到。"))
            return redirect("activities:manage", pk=activity.pk)
    if kind == OrganizerKind.ALLIANCE and not choices["alliances"].exists():
        messages.warning(request, _("请先成立党建联盟，再以联盟名义发布活动。"))
    return render(request, "activities/form.html", {"form": form, "kind": OrganizerKind(kind).label})


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = get_or_404(activity_list_visible(request.user), pk)
    person = getattr(request.user, "person", None)
    taken = activity.signups.filter(cancelled_at__isnull=True).count()
    return render(
        request,
        "activities/detail.html",
        {
            "activity": activity,
            "signup": signup_get_open(activity, person) if person else None,
            "checkin": checkin_get(activity, person) if person else None,
            "taken": taken,
            "full": activity.capacity is not None and taken >= activity.capacity,
            "is_resident": person is not None
            and activity_list_for_resident(request.user).filter(pk=pk).exists(),
            "is_organiser": activity_list_organised(request.user).filter(pk=pk).exists(),
        },
    )

"""Pages of sign-up: a resident signs up for an activity ahead, or cancels."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.activities import services
from jiceng.activities.queries.activity import activity_list_for_resident
from jiceng.activities.queries.attendance import signup_get_open
from jiceng.activities.views.common import get_or_404, resident_or_404


@login_required
@require_POST
def signup(request: HttpRequest, pk: int) -> HttpResponse:
    person = resident_or_404(request)
    activity = get_or_404(activity_list_for_resident(request.user), pk)
    try:
        services.signup_create(activity=activity, person=person, actor=request.user)
    except services.ActivityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("报名成功！活动当天请到现场扫码签到。"))
    return redirect("activities:detail", pk=activity.pk)


@login_required
@require_POST
def signup_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    person = resident_or_404(request)
    activity = get_or_404(activity_list_for_resident(request.user), pk)
    row = signup_get_open(activity, person)
    if row is None:
        raise Http404
    services.signup_cancel(signup=row, actor=request.user)
    messages.success(request, _("已取消报名。"))
    return redirect("activities:detail", pk=activity.pk)

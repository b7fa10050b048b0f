"""Pages of actions: the list across the four tracks, progress updates and closing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.alliance import exports, services
from jiceng.alliance.forms import ActionCloseForm, ActionUpdateForm
from jiceng.alliance.models import ActionStatus, Track
from jiceng.alliance.queries import visible
from jiceng.alliance.queries.meetings import action_may_close
from jiceng.core.scope import require_role
from jiceng.core.sheets import xlsx_response

VIEWERS = (*visible.ADMINS, *visible.ORG_SIDE)


def _filtered(request: HttpRequest):
    actions = visible.action_list_visible(request.user)
    track, status = request.GET.get("track", ""), request.GET.get("status", "")
    overdue = request.GET.get("overdue") == "1"
    if track in Track.values:
        actions = actions.filter(track=track)
    if status in ActionStatus.values:
        actions = actions.filter(status=status)
    if overdue:
        actions = actions.overdue()
    return actions.order_by("-status", "due_on", "pk"), {"track": track, "status": status, "overdue": overdue}


@login_required
def action_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *VIEWERS)
    actions, filters = _filtered(request)
    page = Paginator(actions, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "alliance/actions.html",
        {
            "page": page,
            "filters": filters,
            "tracks": Track.choices,
            "statuses": ActionStatus.choices,
            "overdue_count": visible.action_list_visible(request.user).overdue().count(),
            "query": request.GET.urlencode(),
            "today": timezone.localdate(),
        },
    )


@login_required
def actions_export(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *VIEWERS)
    actions, _filters = _filtered(request)
    return xlsx_response(
        request,
        filename="alliance-actions",
        sheets=exports.action_sheets(actions),
        action="alliance.export_actions",
    )


def _action(request: HttpRequest, pk: int):
    require_role(request.user, *VIEWERS)
    action = visible.action_list_visible(request.user).filter(pk=pk).first()
    if action is None:
        raise Http404
    return action


@login_required
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    return render(
        request,
        "alliance/action.html",
        {
            "action": action,
            "updates": action.updates.select_related("author"),
            "update_form": ActionUpdateForm(initial={"progress": action.progress}),
            "close_form": ActionCloseForm(),
            "may_close": action_may_close(request.user, action),
            "activities": action.activities.order_by("-starts_at")[:10],
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def action_update(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    form = ActionUpdateForm(request.POST)
    if form.is_valid():
        try:
            services.action_update_add(action=action, actor=request.user, **form.cleaned_data)
        except services.AllianceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("进展已登记。"))
    else:
        messages.error(request, _("请填写进展情况和 0 到 100 的进度。"))
    return redirect("alliance:action", pk=action.pk)


@login_required
@require_POST
def action_close(request: HttpRequest, pk: int) -> HttpResponse:
    action = _action(request, pk)
    if not action_may_close(request.user, action):
        raise Http404
    form = ActionCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("办结前请填写办理结果，并选择服务对象的评价（1 到 5 分）。"))
        return redirect("alliance:action", pk=action.pk)
    try:
        services.action_close(action=action, actor=request.user, **form.cleaned_data)
    except services.AllianceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("任务已办结。"))
    return redirect("alliance:action", pk=action.pk)

"""Pages of actions: the list across the four tracks, progress updates and closing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.alliance import services
from jiceng.alliance.forms import ActionCloseForm, ActionUpdateForm
from jiceng.alliance.models import ActionStatus, Track
from jiceng.alliance.queries import visible
from jiceng.core.scope import require_role, scope_for
from jiceng.core.sheets import Sheet, xlsx_response

VIEWERS = (*visible.ADMINS, *visible.ORG_SIDE)


def _filtered(request: HttpRequest):
    actions = visible.actions(request.user)
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
            "overdue_count": visible.actions(request.user).overdue().count(),
            "query": request.GET.urlencode(),
            "today": timezone.localdate(),
        },
    )


@login_required
def actions_export(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *VIEWERS)
    actions, _filters = _filtered(request)
    today = timezone.localdate()
    rows = [
        (
            a.alliance.name,
            a.get_track_display(),
            a.title,
            a.owner.name,
            a.resolution.meeting.title,
            a.resolution.text,
            a.due_on,
            a.get_status_display(),
            _("逾期") if a.is_overdue(today) else "",
            a.progress,
            a.served_community.name if a.served_community_id else "",
            a.closed_at,
            a.result,
            a.rating,
            a.get_rating_source_display() if a.rating_source else "",
        )
        for a in actions
    ]
    return xlsx_response(
        request,
        filename="alliance-actions",
        sheets=[
            Sheet(
                _("任务"),
                [
                    _("联盟"),
                    _("类别"),
                    _("任务"),
                    _("责任单位"),
                    _("来源会议"),
                    _("决议"),
                    _("完成时限"),
                    _("状态"),
                    _("逾期"),
                    _("进度（%）"),
                    _("服务社区"),
                    _("办结时间"),
                    _("办理结果"),
                    _("评价（1–5）"),
                    _("评价方"),
                ],
                rows,
                (22, 10, 30, 24, 24, 30, 12, 10, 8, 10, 16, 18, 40, 10, 14),
            )
        ],
        action="alliance.export_actions",
    )


def _action(request: HttpRequest, pk: int):
    require_role(request.user, *VIEWERS)
    action = visible.actions(request.user).filter(pk=pk).first()
    if action is None:
        raise Http404
    return action


def _may_close(user, action) -> bool:
    """Closing records the served residents' rating, so only the alliance's administrators do it."""
    scope = scope_for(user)
    return scope.has(*visible.ADMINS) and any(r.contains(action.alliance.region) for r in scope.regions)


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
            "may_close": _may_close(request.user, action),
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
    if not _may_close(request.user, action):
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

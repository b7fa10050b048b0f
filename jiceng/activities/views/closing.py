"""Pages of the end of an activity: closing it (with claims), filing claims later, cancelling it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.activities import services
from jiceng.activities.forms import CloseForm
from jiceng.activities.views.common import organised_or_404


def _closed_message(result: services.CloseResult, asked_for_claims: bool) -> str:
    text = _("活动已结束。")
    if result.checked_out:
        text += _("%(n)d 人未签退，已按结束时间签退。") % {"n": result.checked_out}
    if result.claims:
        text += _("已为 %(n)d 位参加人申报道德银行积分，社区审核并公示后入账。") % {"n": len(result.claims)}
    skipped = result.activity.checkins.filter(minutes__gt=0).count() - len(result.claims)
    if asked_for_claims and skipped > 0:
        text += _("另有 %(n)d 人未申报（已达积分上限或不符合规则）。") % {"n": skipped}
    return text


@login_required
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    activity = organised_or_404(request, pk)
    form = CloseForm(request.POST)
    form.is_valid()
    file_claims = form.cleaned_data.get("file_claims", False)
    try:
        result = services.activity_close(activity=activity, actor=request.user, file_claims=file_claims)
    except services.ActivityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _closed_message(result, file_claims))
    return redirect("activities:manage", pk=activity.pk)


@login_required
@require_POST
def file_claims(request: HttpRequest, pk: int) -> HttpResponse:
    """File the claims of an activity that was closed with the claims box left unticked."""
    activity = organised_or_404(request, pk)
    try:
        claims = services.activity_file_claims(activity=activity, actor=request.user)
    except services.ActivityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已为 %(n)d 位参加人申报道德银行积分。") % {"n": len(claims)})
    return redirect("activities:manage", pk=activity.pk)


@login_required
@require_POST
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    activity = organised_or_404(request, pk)
    try:
        services.activity_cancel(activity=activity, actor=request.user)
    except services.ActivityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("活动已取消。"))
    return redirect("activities:manage", pk=activity.pk)

"""Pages of presence on site: the organiser's rotating QR code, check-in and check-out, the record."""

import time

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jiceng.activities import exports, services, tokens
from jiceng.activities.forms import CloseForm, CodeForm
from jiceng.activities.models import Activity, ActivityStatus, CheckInMethod
from jiceng.activities.queries.activity import ORGANISERS, activity_list_for_resident
from jiceng.activities.queries.attendance import (
    checkin_get,
    checkin_get_organised,
    checkin_list_for_activity,
    signup_list_open,
)
from jiceng.activities.views.common import get_or_404, organised_or_404, qr_svg, resident_or_404
from jiceng.core.scope import require_role, scope_for
from jiceng.core.sheets import xlsx_response

# Scanning the QR proves presence for this long, so a slow tap on "签到" still counts.
ONSITE_PROOF_SECONDS = 300


def _proof_key(activity: Activity) -> str:
    return f"onsite-{activity.pk}"


@login_required
def my_code(request: HttpRequest) -> HttpResponse:
    """The resident's personal code, for the organiser to scan when the resident cannot scan."""
    person = resident_or_404(request)
    code = tokens.personal_code(person)
    return render(
        request,
        "activities/my_code.html",
        {
            "person": person,
            "code": code,
            "svg": qr_svg(code, 10, label=_("我的签到码 %(code)s") % {"code": code}),
        },
    )


def _scanned(request: HttpRequest, activity: Activity, token: str) -> tuple[str | None, int]:
    """The participant opened the QR code's link: remember they were on site now, or say why not."""
    try:
        tokens.verify_token(activity, token)
    except tokens.TokenExpired as exc:
        return str(exc), 410
    except tokens.TokenError as exc:
        return str(exc), 400
    request.session[_proof_key(activity)] = time.time()
    return None, 200


def _confirmed(request: HttpRequest, activity: Activity, person) -> str | None:
    """The participant tapped to confirm: check in, or out if already in. Returns what went wrong."""
    if time.time() - request.session.get(_proof_key(activity), 0) > ONSITE_PROOF_SECONDS:
        return _("确认超时了。请重新扫描活动现场屏幕上的二维码。")
    mine = checkin_get(activity, person)
    try:
        if mine is None:
            services.checkin_record(
                activity=activity, person=person, method=CheckInMethod.QR, actor=request.user
            )
            messages.success(request, _("签到成功！活动结束时请再扫一次二维码签退。"))
        else:
            mine = services.checkout_record(checkin=mine, actor=request.user)
            messages.success(request, _("签退成功，本次服务 %(m)d 分钟。谢谢您！") % {"m": mine.minutes})
    except services.ActivityError as exc:
        return str(exc)
    request.session.pop(_proof_key(activity), None)
    return None


@never_cache
@login_required
def checkin(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """Where the on-site QR code leads: check in, or later check out, after confirming."""
    person = resident_or_404(request)
    activity = get_or_404(activity_list_for_resident(request.user), pk)
    status = 200
    if request.method == "POST":
        error = _confirmed(request, activity, person)
        if error is None:
            return redirect("activities:detail", pk=activity.pk)
    else:
        error, status = _scanned(request, activity, token)
    mine = checkin_get(activity, person)
    if error is None and mine is None:
        try:  # say now, not after the tap, that check-in is not open
            services.check_in_window(activity, timezone.now())
        except services.ActivityError as exc:
            error = str(exc)
    return render(
        request,
        "activities/checkin.html",
        {"activity": activity, "error": error, "mine": mine, "token": token},
        status=status,
    )


def _qr_context(request: HttpRequest, activity: Activity) -> dict:
    token = tokens.token_for(activity)
    url = request.build_absolute_uri(reverse("activities:checkin", args=[activity.pk, token]))
    return {"activity": activity, "qr_svg": qr_svg(url), "qr_url": url, "window": tokens.WINDOW_SECONDS}


@login_required
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    activity = organised_or_404(request, pk)
    rows = checkin_list_for_activity(activity)
    opens_at = activity.starts_at - services.CHECKIN_OPENS_BEFORE
    context = {
        "activity": activity,
        "rows": rows,
        "minutes": sum(c.minutes or 0 for c in rows),
        "signups": signup_list_open(activity).select_related("person"),
        "code_form": CodeForm(),
        "close_form": CloseForm(),
        "live": activity.status == ActivityStatus.PUBLISHED,
        "opens_at": opens_at,
        "not_open_yet": timezone.now() < opens_at,
    }
    if context["live"]:
        context |= _qr_context(request, activity)
    return render(request, "activities/manage.html", context)


@never_cache
@login_required
def qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR fragment the organiser's page swaps in every 20 seconds."""
    activity = organised_or_404(request, pk)
    if activity.status != ActivityStatus.PUBLISHED:
        return HttpResponse(_("活动已结束，二维码停止更新。"))
    big = request.GET.get("big") == "1"
    return render(request, "activities/_qr.html", _qr_context(request, activity) | {"big": big})


@login_required
def screen(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR code alone, large, for a screen or projector at the site."""
    activity = organised_or_404(request, pk)
    context = {"activity": activity, "big": True}
    if activity.status == ActivityStatus.PUBLISHED:
        context |= _qr_context(request, activity)
    return render(request, "activities/screen.html", context)


@login_required
@require_POST
def checkin_code(request: HttpRequest, pk: int) -> HttpResponse:
    activity = organised_or_404(request, pk)
    form = CodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请扫描或输入个人码。"))
        return redirect("activities:manage", pk=activity.pk)
    try:
        row = services.checkin_by_code(activity=activity, code=form.cleaned_data["code"], actor=request.user)
    except services.ActivityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(n)s 签到成功。") % {"n": row.person.masked_name})
    return redirect("activities:manage", pk=activity.pk)


@login_required
@require_POST
def checkout(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *ORGANISERS)
    row = checkin_get_organised(request.user, pk)
    if row is None:
        raise Http404
    try:
        row = services.checkout_record(checkin=row, actor=request.user)
    except services.ActivityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(
            request, _("%(n)s 已签退，服务 %(m)d 分钟。") % {"n": row.person.masked_name, "m": row.minutes}
        )
    return redirect("activities:manage", pk=row.activity_id)


@login_required
def attendance_export(request: HttpRequest, pk: int) -> HttpResponse:
    activity = organised_or_404(request, pk)
    return xlsx_response(
        request,
        filename=f"activity-{activity.pk}-attendance",
        sheets=exports.checkin_sheets(activity, scope_for(request.user)),
        action="activities.export_attendance",
        target=activity,
    )

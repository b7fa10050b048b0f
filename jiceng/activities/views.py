"""Pages of activities: publishing, joining, the organiser's on-site QR code, check-in and check-out."""

import datetime as dt
import time

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jiceng.activities import queries, services, tokens
from jiceng.activities.forms import ActivityForm, CloseForm, CodeForm
from jiceng.activities.models import Activity, ActivityStatus, CheckIn, CheckInMethod, OrganizerKind, SignUp
from jiceng.alliance.models import ActionStatus, Track
from jiceng.alliance.queries import visible as alliance_visible
from jiceng.core.models import Role
from jiceng.core.scope import require_role, scope_for, scoped
from jiceng.core.sheets import Sheet, xlsx_response
from jiceng.orgs.models import Kind, Organization
from jiceng.regions.models import Level, Region, prefix_range

# Scanning the QR proves presence for this long, so a slow tap on "签到" still counts.
ONSITE_PROOF_SECONDS = 300


def _get(qs, pk: int) -> Activity:
    activity = qs.filter(pk=pk).first()
    if activity is None:
        raise Http404
    return activity


def _organised(request: HttpRequest, pk: int) -> Activity:
    require_role(request.user, *queries.ORGANISERS)
    return _get(queries.organised(request.user), pk)


def _person(request: HttpRequest):
    require_role(request.user, Role.RESIDENT)
    if request.user.person is None:
        raise Http404
    return request.user.person


def _qr_svg(text: str, scale: int = 8) -> str:
    return segno.make(text, error="m").svg_inline(scale=scale, border=2, omitsize=True)


# --------------------------------------------------------------------------- lists


@login_required
def activity_list(request: HttpRequest) -> HttpResponse:
    scope = require_role(request.user, *queries.ORGANISERS, Role.RESIDENT)
    organised = None
    if scope.has(*queries.ORGANISERS):
        organised = Paginator(queries.organised(request.user).order_by("-starts_at"), 30).get_page(
            request.GET.get("page")
        )
    nearby, mine = None, {}
    person = getattr(request.user, "person", None)
    if scope.has(Role.RESIDENT) and person is not None:
        since = timezone.now() - dt.timedelta(days=1)
        nearby = list(
            queries.for_resident(request.user)
            .filter(status=ActivityStatus.PUBLISHED, ends_at__gte=since)
            .order_by("starts_at")[:30]
        )
        mine = {
            s.activity_id: _("已报名")
            for s in SignUp.objects.filter(person=person, activity__in=nearby, cancelled_at__isnull=True)
        }
        mine |= {
            c.activity_id: _("已签到") for c in CheckIn.objects.filter(person=person, activity__in=nearby)
        }
    return render(
        request,
        "activities/list.html",
        {
            "organised": organised,
            "nearby": None if nearby is None else [(a, mine.get(a.pk, "")) for a in nearby],
            "person": person,
        },
    )


@login_required
def list_export(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *queries.ORGANISERS)
    activities = (
        queries.organised(request.user).prefetch_related("checkins", "signups").order_by("-starts_at")
    )
    rows = [
        (
            a.pk,
            a.title,
            a.organizer_label,
            a.get_organizer_kind_display(),
            a.community.name,
            a.place,
            a.starts_at,
            a.ends_at,
            a.capacity,
            _("是") if a.signup_required else _("否"),
            sum(1 for s in a.signups.all() if s.cancelled_at is None),
            len(a.checkins.all()),
            sum(c.minutes or 0 for c in a.checkins.all()),
            a.get_status_display(),
            a.claims_count,
        )
        for a in activities
    ]
    headers = [
        _("编号"),
        _("活动"),
        _("主办方"),
        _("主办方类型"),
        _("举办社区"),
        _("地点"),
        _("开始时间"),
        _("结束时间"),
        _("人数上限"),
        _("需要报名"),
        _("报名人数"),
        _("签到人数"),
        _("服务总时长（分钟）"),
        _("状态"),
        _("申报积分人数"),
    ]
    return xlsx_response(
        request,
        filename="activities",
        sheets=[Sheet(_("活动"), headers, rows, (8, 28, 24, 10, 18, 20, 18, 18, 8, 8, 8, 8, 14, 8, 10))],
        action="activities.export_list",
    )


# --------------------------------------------------------------------------- publishing


def _publish_context(request: HttpRequest):
    """Who the user publishes as, and where: alliance (administrators), community (workers), unit."""
    scope = scope_for(request.user)
    communities = scoped(request.user, Region.objects.active(), region="", roles=queries.ORGANISERS).filter(
        level=Level.COMMUNITY
    )
    if scope.has(Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN):
        alliances = alliance_visible.alliances(request.user).filter(is_active=True)
        actions = alliance_visible.actions(request.user).filter(
            track=Track.JOINT_ACTIVITY, status=ActionStatus.OPEN
        )
        return OrganizerKind.ALLIANCE, {
            "communities": communities,
            "alliances": alliances,
            "actions": actions,
        }
    if scope.has(Role.COMMUNITY_WORKER):
        return OrganizerKind.COMMUNITY, {"communities": communities}
    orgs = Organization.objects.filter(pk__in=scope.org_ids, is_active=True)
    q = Q(pk__in=[])
    for org in orgs.select_related("region"):
        q |= prefix_range(org.region.code[:9])
    unit_communities = Region.objects.filter(q, level=Level.COMMUNITY, is_active=True)
    return OrganizerKind.UNIT, {"communities": unit_communities, "orgs": orgs}


@login_required
def activity_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *queries.ORGANISERS)
    kind, choices = _publish_context(request)
    form = ActivityForm(request.POST or None, **choices)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        if kind == OrganizerKind.COMMUNITY:
            data["organizer_org"] = Organization.objects.filter(
                region=data["community"], kind=Kind.PARTY, is_active=True
            ).first()
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


# --------------------------------------------------------------------------- residents


@login_required
def activity_detail(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _get(queries.visible(request.user), pk)
    person = getattr(request.user, "person", None)
    signup = checkin = None
    if person is not None:
        signup = SignUp.objects.filter(activity=activity, person=person, cancelled_at__isnull=True).first()
        checkin = CheckIn.objects.filter(activity=activity, person=person).first()
    taken = activity.signups.filter(cancelled_at__isnull=True).count()
    return render(
        request,
        "activities/detail.html",
        {
            "activity": activity,
            "signup": signup,
            "checkin": checkin,
            "taken": taken,
            "full": activity.capacity is not None and taken >= activity.capacity,
            "is_resident": person is not None and queries.for_resident(request.user).filter(pk=pk).exists(),
            "is_organiser": queries.organised(request.user).filter(pk=pk).exists(),
        },
    )


@login_required
@require_POST
def signup(request: HttpRequest, pk: int) -> HttpResponse:
    person = _person(request)
    activity = _get(queries.for_resident(request.user), pk)
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
    person = _person(request)
    activity = _get(queries.for_resident(request.user), pk)
    row = SignUp.objects.filter(activity=activity, person=person, cancelled_at__isnull=True).first()
    if row is None:
        raise Http404
    services.signup_cancel(signup=row, actor=request.user)
    messages.success(request, _("已取消报名。"))
    return redirect("activities:detail", pk=activity.pk)


@login_required
def my_code(request: HttpRequest) -> HttpResponse:
    """The resident's personal code, for the organiser to scan when the resident cannot scan."""
    person = _person(request)
    code = tokens.personal_code(person)
    return render(
        request, "activities/my_code.html", {"person": person, "code": code, "svg": _qr_svg(code, 10)}
    )


def _proof_key(activity: Activity) -> str:
    return f"onsite-{activity.pk}"


@never_cache
@login_required
def checkin(request: HttpRequest, pk: int, token: str) -> HttpResponse:
    """Where the on-site QR code leads: check in, or later check out, after confirming."""
    person = _person(request)
    activity = _get(queries.for_resident(request.user), pk)
    status = 200
    error = None
    if request.method == "POST":
        proved_at = request.session.get(_proof_key(activity), 0)
        if time.time() - proved_at > ONSITE_PROOF_SECONDS:
            error = _("确认超时了。请重新扫描活动现场屏幕上的二维码。")
        else:
            try:
                mine = CheckIn.objects.filter(activity=activity, person=person).first()
                if mine is None:
                    services.checkin_record(
                        activity=activity, person=person, method=CheckInMethod.QR, actor=request.user
                    )
                    messages.success(request, _("签到成功！活动结束时请再扫一次二维码签退。"))
                else:
                    mine = services.checkout_record(checkin=mine, actor=request.user)
                    messages.success(
                        request, _("签退成功，本次服务 %(m)d 分钟。谢谢您！") % {"m": mine.minutes}
                    )
            except services.ActivityError as exc:
                error = str(exc)
            else:
                request.session.pop(_proof_key(activity), None)
                return redirect("activities:detail", pk=activity.pk)
    else:
        try:
            tokens.verify_token(activity, token)
        except tokens.TokenExpired as exc:
            error, status = str(exc), 410
        except tokens.TokenError as exc:
            error, status = str(exc), 400
        else:
            request.session[_proof_key(activity)] = time.time()
    mine = CheckIn.objects.filter(activity=activity, person=person).first()
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


# --------------------------------------------------------------------------- organisers


def _qr_context(request: HttpRequest, activity: Activity) -> dict:
    token = tokens.token_for(activity)
    url = request.build_absolute_uri(reverse("activities:checkin", args=[activity.pk, token]))
    return {"activity": activity, "qr_svg": _qr_svg(url), "qr_url": url, "window": tokens.WINDOW_SECONDS}


@login_required
def manage(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _organised(request, pk)
    rows = queries.attendance(activity)
    context = {
        "activity": activity,
        "rows": rows,
        "minutes": sum(c.minutes or 0 for c in rows),
        "signups": activity.signups.filter(cancelled_at__isnull=True).select_related("person"),
        "code_form": CodeForm(),
        "close_form": CloseForm(),
        "live": activity.status == ActivityStatus.PUBLISHED,
        "opens_at": activity.starts_at - services.CHECKIN_OPENS_BEFORE,
        "not_open_yet": timezone.now() < activity.starts_at - services.CHECKIN_OPENS_BEFORE,
    }
    if context["live"]:
        context |= _qr_context(request, activity)
    return render(request, "activities/manage.html", context)


@never_cache
@login_required
def qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR fragment the organiser's page swaps in every 20 seconds."""
    activity = _organised(request, pk)
    if activity.status != ActivityStatus.PUBLISHED:
        return HttpResponse(_("活动已结束，二维码停止更新。"))
    big = request.GET.get("big") == "1"
    return render(request, "activities/_qr.html", _qr_context(request, activity) | {"big": big})


@login_required
def screen(request: HttpRequest, pk: int) -> HttpResponse:
    """The QR code alone, large, for a screen or projector at the site."""
    activity = _organised(request, pk)
    context = {"activity": activity, "big": True}
    if activity.status == ActivityStatus.PUBLISHED:
        context |= _qr_context(request, activity)
    return render(request, "activities/screen.html", context)


@login_required
@require_POST
def checkin_code(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _organised(request, pk)
    form = CodeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请扫描或输入个人码。"))
    else:
        try:
            row = services.checkin_by_code(
                activity=activity, code=form.cleaned_data["code"], actor=request.user
            )
        except services.ActivityError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("%(n)s 签到成功。") % {"n": row.person.masked_name})
    return redirect("activities:manage", pk=activity.pk)


@login_required
@require_POST
def checkout(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *queries.ORGANISERS)
    row = (
        CheckIn.objects.filter(pk=pk, activity__in=queries.organised(request.user))
        .select_related("person")
        .first()
    )
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
@require_POST
def close(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _organised(request, pk)
    form = CloseForm(request.POST)
    form.is_valid()
    try:
        result = services.activity_close(
            activity=activity, actor=request.user, file_claims=form.cleaned_data.get("file_claims", False)
        )
    except services.ActivityError as exc:
        messages.error(request, str(exc))
    else:
        text = _("活动已结束。")
        if result.checked_out:
            text += _("%(n)d 人未签退，已按结束时间签退。") % {"n": result.checked_out}
        if result.claims:
            text += _("已为 %(n)d 位参加人申报道德银行积分，社区审核并公示后入账。") % {
                "n": len(result.claims)
            }
        skipped = result.activity.checkins.filter(minutes__gt=0).count() - len(result.claims)
        if form.cleaned_data.get("file_claims") and skipped > 0:
            text += _("另有 %(n)d 人未申报（已达积分上限或不符合规则）。") % {"n": skipped}
        messages.success(request, text)
    return redirect("activities:manage", pk=activity.pk)


@login_required
@require_POST
def file_claims(request: HttpRequest, pk: int) -> HttpResponse:
    """File the claims of an activity closed without them (e.g. before the Moral Bank was ready)."""
    activity = _organised(request, pk)
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
    activity = _organised(request, pk)
    try:
        services.activity_cancel(activity=activity, actor=request.user)
    except services.ActivityError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("活动已取消。"))
    return redirect("activities:manage", pk=activity.pk)


@login_required
def attendance_export(request: HttpRequest, pk: int) -> HttpResponse:
    activity = _organised(request, pk)
    scope = scope_for(request.user)
    rows = [
        (
            # Full names only for staff whose own area the participant lives in.
            c.person.name if scope.covers(c.person.community) else c.person.masked_name,
            c.person.masked_phone,
            c.get_method_display(),
            c.checked_in_at,
            c.checked_out_at,
            c.minutes,
        )
        for c in queries.attendance(activity)
    ]
    return xlsx_response(
        request,
        filename=f"activity-{activity.pk}-attendance",
        sheets=[
            Sheet(
                _("签到记录"),
                [_("姓名"), _("手机号"), _("签到方式"), _("签到时间"), _("签退时间"), _("服务时长（分钟）")],
                rows,
                (12, 16, 16, 18, 18, 14),
            )
        ],
        action="activities.export_attendance",
        target=activity,
    )

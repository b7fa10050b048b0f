"""Pages of meetings: scheduling, running a meeting, and turning resolutions into actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from jiceng.alliance import exports, services, tokens
from jiceng.alliance.forms import (
    ActionForm,
    AgendaForm,
    AttendanceForm,
    MeetingForm,
    MinutesForm,
    RescheduleForm,
    ResolutionForm,
)
from jiceng.alliance.models import (
    Alliance,
    Attendance,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Resolution,
)
from jiceng.alliance.queries import visible
from jiceng.alliance.queries.alliance import (
    community_list_served,
    member_list_current,
    organization_list_owners,
)
from jiceng.alliance.queries.meetings import resolution_list_with_actions
from jiceng.core.qr import qr_svg
from jiceng.core.scope import get_scoped_or_404, require_role
from jiceng.core.sheets import xlsx_response

CONVENERS = visible.CONVENERS


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    return get_scoped_or_404(
        request.user,
        Meeting.objects.select_related("alliance__region"),
        region="alliance__region",
        roles=CONVENERS,
        pk=pk,
    )


def _filtered(request: HttpRequest):
    meetings = visible.meeting_list_visible(request.user)
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
    if kind in MeetingKind.values:
        meetings = meetings.filter(kind=kind)
    if status in MeetingStatus.values:
        meetings = meetings.filter(status=status)
    return meetings.order_by("-scheduled_at"), kind, status


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *CONVENERS)
    meetings, kind, status = _filtered(request)
    page = Paginator(meetings, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "alliance/meetings.html",
        {
            "page": page,
            "kind": kind,
            "status": status,
            "kinds": MeetingKind.choices,
            "statuses": MeetingStatus.choices,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def meetings_export(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *CONVENERS)
    meetings, _kind, _status = _filtered(request)
    return xlsx_response(
        request,
        filename="alliance-meetings",
        sheets=exports.meeting_sheets(meetings),
        action="alliance.export_meetings",
    )


@login_required
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = get_scoped_or_404(
        request.user, Alliance.objects.all(), region="region", roles=CONVENERS, pk=pk
    )
    initial = {"kind": request.GET.get("kind", MeetingKind.JOINT), "place": alliance.default_place}
    form = MeetingForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = services.meeting_schedule(alliance=alliance, actor=request.user, **form.cleaned_data)
        except services.AllianceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("会议已安排。下一步：向成员单位发出邀请。"))
            return redirect("alliance:meeting", pk=meeting.pk)
    return render(request, "alliance/meeting_form.html", {"form": form, "alliance": alliance})


@login_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    invitations = list(meeting.invitations.select_related("member__organization"))
    agenda = meeting.agenda.select_related("proposer__organization")
    local = timezone.localtime(meeting.scheduled_at)
    live = checkin_open(meeting)
    qr = _qr_context(request, meeting) | {"window": tokens.WINDOW_SECONDS} if live else {}
    return render(
        request,
        "alliance/meeting.html",
        qr
        | {
            "checkin_live": live,
            "meeting": meeting,
            "alliance": meeting.alliance,
            "invitations": invitations,
            "present": sum(1 for i in invitations if i.attendance == Attendance.PRESENT),
            "agenda": agenda,
            "resolutions": resolution_list_with_actions(meeting),
            "begun": meeting.has_begun(),
            "attendance_form": AttendanceForm(invitations=invitations),
            "agenda_form": AgendaForm(members=member_list_current(meeting.alliance)),
            "minutes_form": MinutesForm(initial={"minutes": meeting.minutes}),
            "resolution_form": ResolutionForm(agenda=agenda),
            "reschedule_form": RescheduleForm(initial={"scheduled_at": local, "place": meeting.place}),
            "today": timezone.localdate(),
        },
    )


def _done(request: HttpRequest, meeting: Meeting, call, ok: str) -> HttpResponse:
    try:
        call()
    except services.AllianceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, ok)
    return redirect("alliance:meeting", pk=meeting.pk)


def _invalid(request: HttpRequest, meeting: Meeting, form) -> HttpResponse:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
    return redirect("alliance:meeting", pk=meeting.pk)


@login_required
@require_POST
def meeting_reschedule(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = RescheduleForm(request.POST)
    if not form.is_valid():
        return _invalid(request, meeting, form)
    return _done(
        request,
        meeting,
        lambda: services.meeting_reschedule(meeting=meeting, actor=request.user, **form.cleaned_data),
        _("会议时间已确定。"),
    )


@login_required
@require_POST
def meeting_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    return _done(
        request,
        meeting,
        lambda: services.meeting_cancel(meeting=meeting, actor=request.user),
        _("会议已取消。"),
    )


@login_required
@require_POST
def meeting_invite(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    try:
        n = services.meeting_invite(meeting=meeting, actor=request.user)
    except services.AllianceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已向 %(n)d 家成员单位发出邀请。") % {"n": n})
    return redirect("alliance:meeting", pk=meeting.pk)


@login_required
@require_POST
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = AttendanceForm(
        request.POST, invitations=list(meeting.invitations.select_related("member__organization"))
    )
    if not form.is_valid():
        return _invalid(request, meeting, form)
    attendance, representatives = form.attendance()
    return _done(
        request,
        meeting,
        lambda: services.meeting_record_attendance(
            meeting=meeting, attendance=attendance, representatives=representatives, actor=request.user
        ),
        _("出席情况已登记。"),
    )


@login_required
@require_POST
def agenda_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = AgendaForm(request.POST, members=member_list_current(meeting.alliance))
    if not form.is_valid():
        return _invalid(request, meeting, form)
    return _done(
        request,
        meeting,
        lambda: services.agenda_item_add(meeting=meeting, actor=request.user, **form.cleaned_data),
        _("议题已添加。"),
    )


@login_required
@require_POST
def meeting_minutes(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = MinutesForm(request.POST)
    if not form.is_valid():
        return _invalid(request, meeting, form)
    return _done(
        request,
        meeting,
        lambda: services.meeting_record_minutes(meeting=meeting, actor=request.user, **form.cleaned_data),
        _("会议纪要已保存。"),
    )


@login_required
@require_POST
def resolution_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _meeting(request, pk)
    form = ResolutionForm(request.POST, agenda=meeting.agenda.all())
    if not form.is_valid():
        return _invalid(request, meeting, form)
    return _done(
        request,
        meeting,
        lambda: services.resolution_add(meeting=meeting, actor=request.user, **form.cleaned_data),
        _("决议已记录。下一步：把决议转为任务，明确责任单位和完成时限。"),
    )


@login_required
def action_create(request: HttpRequest, pk: int) -> HttpResponse:
    resolution = get_scoped_or_404(
        request.user,
        Resolution.objects.select_related("meeting__alliance__region"),
        region="meeting__alliance__region",
        roles=CONVENERS,
        pk=pk,
    )
    alliance = resolution.meeting.alliance
    form = ActionForm(
        request.POST or None,
        owners=organization_list_owners(alliance),
        communities=community_list_served(alliance),
    )
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(resolution=resolution, actor=request.user, **form.cleaned_data)
        except services.AllianceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("任务已建立：%(t)s") % {"t": action.title})
            return redirect("alliance:meeting", pk=resolution.meeting_id)
    return render(request, "alliance/action_form.html", {"form": form, "resolution": resolution})


def checkin_open(meeting: Meeting) -> bool:
    """The QR is shown on the meeting's day, unless it was cancelled."""
    today = timezone.localdate()
    return meeting.status != MeetingStatus.CANCELLED and timezone.localdate(meeting.scheduled_at) == today


def _qr_context(request: HttpRequest, meeting: Meeting) -> dict:
    url = request.build_absolute_uri(
        reverse("alliance:meeting_checkin", args=[meeting.pk, tokens.token_for(meeting)])
    )
    return {"meeting": meeting, "qr_svg": qr_svg(url, label=_("会议签到二维码")), "qr_url": url}


@never_cache
@login_required
def meeting_qr(request: HttpRequest, pk: int) -> HttpResponse:
    """The rotating QR fragment the convener's page swaps in every 20 seconds."""
    meeting = _meeting(request, pk)
    if not checkin_open(meeting):
        return HttpResponse(_("现场签到只在会议当天进行，二维码停止更新。"))
    return render(
        request,
        "alliance/_meeting_qr.html",
        _qr_context(request, meeting) | {"window": tokens.WINDOW_SECONDS},
    )

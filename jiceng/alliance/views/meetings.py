"""Pages of meetings: scheduling, running a meeting, and turning resolutions into actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.alliance import services
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
    Action,
    Alliance,
    Attendance,
    Meeting,
    MeetingKind,
    MeetingStatus,
    Resolution,
)
from jiceng.alliance.queries import visible
from jiceng.alliance.queries.alliance import current_members
from jiceng.core.scope import get_scoped_or_404, require_role
from jiceng.core.sheets import Sheet, xlsx_response
from jiceng.orgs.models import Organization
from jiceng.regions.models import Level, Region, prefix_range

ADMINS = visible.ADMINS


def _meeting(request: HttpRequest, pk: int) -> Meeting:
    return get_scoped_or_404(
        request.user,
        Meeting.objects.select_related("alliance__region"),
        region="alliance__region",
        roles=ADMINS,
        pk=pk,
    )


def _filtered(request: HttpRequest):
    meetings = visible.meetings(request.user)
    kind, status = request.GET.get("kind", ""), request.GET.get("status", "")
    if kind in MeetingKind.values:
        meetings = meetings.filter(kind=kind)
    if status in MeetingStatus.values:
        meetings = meetings.filter(status=status)
    return meetings.order_by("-scheduled_at"), kind, status


@login_required
def meeting_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *ADMINS)
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
    require_role(request.user, *ADMINS)
    meetings, _kind, _status = _filtered(request)
    meetings = meetings.prefetch_related("invitations", "resolutions", "agenda")
    rows = []
    for m in meetings:
        present = sum(1 for i in m.invitations.all() if i.attendance == Attendance.PRESENT)
        rows.append(
            (
                m.alliance.name,
                m.get_kind_display(),
                m.title,
                m.scheduled_at,
                m.place,
                m.get_status_display(),
                len(m.invitations.all()),
                present,
                len(m.agenda.all()),
                len(m.resolutions.all()),
                m.minutes,
            )
        )
    return xlsx_response(
        request,
        filename="alliance-meetings",
        sheets=[
            Sheet(
                _("会议"),
                [
                    _("联盟"),
                    _("会议类型"),
                    _("会议名称"),
                    _("会议时间"),
                    _("会议地点"),
                    _("状态"),
                    _("邀请单位"),
                    _("出席单位"),
                    _("议题"),
                    _("决议"),
                    _("会议纪要"),
                ],
                rows,
                (24, 12, 30, 18, 20, 12, 10, 10, 8, 8, 60),
            )
        ],
        action="alliance.export_meetings",
    )


@login_required
def meeting_create(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = get_scoped_or_404(request.user, Alliance.objects.all(), region="region", roles=ADMINS, pk=pk)
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
    resolutions = meeting.resolutions.prefetch_related(
        Prefetch("actions", queryset=Action.objects.select_related("owner").order_by("due_on"))
    )
    local = timezone.localtime(meeting.scheduled_at)
    return render(
        request,
        "alliance/meeting.html",
        {
            "meeting": meeting,
            "alliance": meeting.alliance,
            "invitations": invitations,
            "present": sum(1 for i in invitations if i.attendance == Attendance.PRESENT),
            "agenda": agenda,
            "resolutions": resolutions,
            "begun": meeting.has_begun(),
            "attendance_form": AttendanceForm(invitations=invitations),
            "agenda_form": AgendaForm(members=current_members(meeting.alliance)),
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
    form = AgendaForm(request.POST, members=current_members(meeting.alliance))
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
        roles=ADMINS,
        pk=pk,
    )
    alliance = resolution.meeting.alliance
    owners = Organization.objects.filter(pk__in=current_members(alliance).values("organization_id")).order_by(
        "name"
    )
    communities = Region.objects.filter(
        prefix_range(alliance.region.prefix), level=Level.COMMUNITY, is_active=True
    )
    form = ActionForm(request.POST or None, owners=owners, communities=communities)
    if request.method == "POST" and form.is_valid():
        try:
            action = services.action_create(resolution=resolution, actor=request.user, **form.cleaned_data)
        except services.AllianceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("任务已建立：%(t)s") % {"t": action.title})
            return redirect("alliance:meeting", pk=resolution.meeting_id)
    return render(request, "alliance/action_form.html", {"form": form, "resolution": resolution})

"""Pages of the alliance itself: the list, founding one, members and the rotating chair."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.alliance import exports, services
from jiceng.alliance.forms import ChairForm, LeaveForm, MemberForm, RegionChoiceForm
from jiceng.alliance.models import Alliance, AllianceMember
from jiceng.alliance.queries import visible
from jiceng.alliance.queries.alliance import (
    alliance_summary_get,
    member_list_current,
    organization_list_joinable,
)
from jiceng.core.scope import get_scoped_or_404, require_role
from jiceng.core.sheets import xlsx_response

CONVENERS = visible.CONVENERS


def _alliance(request: HttpRequest, pk: int) -> Alliance:
    return get_scoped_or_404(
        request.user, Alliance.objects.select_related("region"), region="region", roles=CONVENERS, pk=pk
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *CONVENERS)
    summaries = [
        alliance_summary_get(a) for a in visible.alliance_list_visible(request.user).order_by("region__code")
    ]
    return render(
        request,
        "alliance/home.html",
        {"summaries": summaries, "can_found": visible.region_list_foundable(request.user).exists()},
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *CONVENERS)
    form = RegionChoiceForm(request.POST or None, regions=visible.region_list_foundable(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            alliance = services.alliance_create(actor=request.user, **form.cleaned_data)
        except services.AllianceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已成立：%(n)s") % {"n": alliance.name})
            return redirect("alliance:detail", pk=alliance.pk)
    return render(request, "alliance/create.html", {"form": form})


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = _alliance(request, pk)
    today = timezone.localdate()
    members = member_list_current(alliance, today).order_by("kind", "organization__name")
    return render(
        request,
        "alliance/detail.html",
        {
            "alliance": alliance,
            "summary": alliance_summary_get(alliance, today),
            "members": members,
            "former": alliance.members.filter(left_on__lte=today).select_related("organization"),
            "terms": alliance.chair_terms.select_related("member__organization")[:12],
            "meetings": alliance.meetings.order_by("-scheduled_at")[:12],
            "member_form": MemberForm(organizations=organization_list_joinable(alliance)),
            "chair_form": ChairForm(members=members),
            "leave_form": LeaveForm(auto_id=False),  # one per row: no repeated ids
            "today": today,
        },
    )


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = _alliance(request, pk)
    form = MemberForm(request.POST, organizations=organization_list_joinable(alliance))
    if form.is_valid():
        try:
            member = services.member_join(alliance=alliance, actor=request.user, **form.cleaned_data)
        except services.AllianceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("“%(o)s”已加入联盟。") % {"o": member.organization.name})
    else:
        messages.error(request, _("请选择成员单位并填写加入日期。"))
    return redirect("alliance:detail", pk=alliance.pk)


@login_required
@require_POST
def member_leave(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_scoped_or_404(
        request.user,
        AllianceMember.objects.select_related("organization"),
        region="alliance__region",
        roles=CONVENERS,
        pk=pk,
    )
    form = LeaveForm(request.POST)
    if form.is_valid():
        try:
            services.member_leave(member=member, left_on=form.cleaned_data["left_on"], actor=request.user)
        except services.AllianceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已登记“%(o)s”退出联盟。") % {"o": member.organization.name})
    else:
        messages.error(request, _("请填写退出日期。"))
    return redirect("alliance:detail", pk=member.alliance_id)


@login_required
@require_POST
def chair_set(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = _alliance(request, pk)
    form = ChairForm(request.POST, members=member_list_current(alliance))
    if form.is_valid():
        try:
            services.chair_set(alliance=alliance, actor=request.user, **form.cleaned_data)
        except services.AllianceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("已安排轮值主席单位。"))
    else:
        messages.error(request, _("请选择轮值主席单位并填写起止日期。"))
    return redirect("alliance:detail", pk=alliance.pk)


@login_required
@require_POST
def propose_symposium(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = _alliance(request, pk)
    created = services.symposia_propose(alliances=Alliance.objects.filter(pk=alliance.pk))
    if created:
        messages.success(request, _("已拟定下一次双月座谈会，请确认或调整时间。"))
        return redirect("alliance:meeting", pk=created[0].pk)
    messages.info(request, _("未来两个月内已经安排了双月座谈会，无需再拟定。"))
    return redirect("alliance:detail", pk=alliance.pk)


@login_required
def members_export(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = _alliance(request, pk)
    sheets = exports.member_sheets(alliance)
    return xlsx_response(
        request,
        filename=f"alliance-members-{alliance.region.code}",
        sheets=sheets,
        action="alliance.export_members",
        target=alliance,
        rows=len(sheets[0].rows),  # the members; the chair terms are not counted
    )

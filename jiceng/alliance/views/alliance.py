"""Pages of the alliance itself: the list, founding one, members and the rotating chair."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.alliance import services
from jiceng.alliance.forms import ChairForm, LeaveForm, MemberForm, RegionChoiceForm
from jiceng.alliance.models import Alliance, AllianceMember
from jiceng.alliance.queries import visible
from jiceng.alliance.queries.alliance import alliance_summary, current_members
from jiceng.core.scope import get_scoped_or_404, require_role, scoped
from jiceng.core.sheets import Sheet, xlsx_response
from jiceng.orgs.models import Organization
from jiceng.regions.models import Level, Region, prefix_range

ADMINS = visible.ADMINS


def _alliance(request: HttpRequest, pk: int) -> Alliance:
    return get_scoped_or_404(
        request.user, Alliance.objects.select_related("region"), region="region", roles=ADMINS, pk=pk
    )


def _foundable(user):
    regions = scoped(user, Region.objects.active(), region="", roles=ADMINS)
    return regions.filter(level__in=[Level.SUBDISTRICT, Level.DISTRICT]).exclude(
        Exists(Alliance.objects.filter(region=OuterRef("pk")))
    )


@login_required
def home(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *ADMINS)
    summaries = [alliance_summary(a) for a in visible.alliances(request.user).order_by("region__code")]
    return render(
        request,
        "alliance/home.html",
        {"summaries": summaries, "can_found": _foundable(request.user).exists()},
    )


@login_required
def create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *ADMINS)
    form = RegionChoiceForm(request.POST or None, regions=_foundable(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            alliance = services.alliance_create(actor=request.user, **form.cleaned_data)
        except services.AllianceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已成立：%(n)s") % {"n": alliance.name})
            return redirect("alliance:detail", pk=alliance.pk)
    return render(request, "alliance/create.html", {"form": form})


def _member_candidates(alliance: Alliance):
    current = AllianceMember.objects.filter(alliance=alliance, left_on__isnull=True).values("organization_id")
    return (
        Organization.objects.filter(prefix_range(alliance.region.prefix, "region__code"), is_active=True)
        .exclude(pk__in=current)
        .order_by("kind", "region__code", "name")
    )


@login_required
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = _alliance(request, pk)
    today = timezone.localdate()
    members = current_members(alliance, today).order_by("kind", "organization__name")
    return render(
        request,
        "alliance/detail.html",
        {
            "alliance": alliance,
            "summary": alliance_summary(alliance, today),
            "members": members,
            "former": alliance.members.filter(left_on__lte=today).select_related("organization"),
            "terms": alliance.chair_terms.select_related("member__organization")[:12],
            "meetings": alliance.meetings.order_by("-scheduled_at")[:12],
            "member_form": MemberForm(organizations=_member_candidates(alliance)),
            "chair_form": ChairForm(members=members),
            "leave_form": LeaveForm(auto_id=False),  # one per row: no repeated ids
            "today": today,
        },
    )


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    alliance = _alliance(request, pk)
    form = MemberForm(request.POST, organizations=_member_candidates(alliance))
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
        roles=ADMINS,
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
    form = ChairForm(request.POST, members=current_members(alliance))
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
    rows = [
        (
            m.organization.name,
            m.get_kind_display(),
            m.organization.region.name,
            m.joined_on,
            m.left_on,
            m.contact_name,
            m.contact_phone,
        )
        for m in alliance.members.select_related("organization__region").order_by(
            "kind", "organization__name"
        )
    ]
    terms = [
        (t.member.organization.name, t.starts_on, t.ends_on)
        for t in alliance.chair_terms.select_related("member__organization").order_by("starts_on")
    ]
    return xlsx_response(
        request,
        filename=f"alliance-members-{alliance.region.code}",
        sheets=[
            Sheet(
                _("成员单位"),
                [
                    _("成员单位"),
                    _("成员类别"),
                    _("所在区划"),
                    _("加入日期"),
                    _("退出日期"),
                    _("联络人"),
                    _("联系电话"),
                ],
                rows,
                (36, 14, 20, 12, 12, 12, 16),
            ),
            Sheet(_("轮值主席"), [_("轮值主席单位"), _("开始日期"), _("结束日期")], terms, (36, 12, 12)),
        ],
        action="alliance.export_members",
        target=alliance,
        rows=len(rows),
    )

"""Pages of party-member report-in: the member's own page and the community's list and feedback."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.alliance import exports, services
from jiceng.alliance.forms import ChooseForm, ConfirmForm, ReportInForm, ServicePostForm
from jiceng.alliance.models import ReportIn, ServicePost
from jiceng.alliance.queries import visible
from jiceng.alliance.queries.report_in import (
    party_membership_get,
    project_list_open,
    report_in_get_active,
    service_post_list_open,
    service_record_get,
    service_record_list,
)
from jiceng.core.models import Role
from jiceng.core.scope import get_scoped_or_404, require_role, scope_for
from jiceng.core.sheets import xlsx_response
from jiceng.orgs.models import Kind, Organization


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year


def _me_form(request: HttpRequest, person, membership, current):
    """Reporting in for the first time, or changing the posts and projects taken."""
    posts, projects = service_post_list_open(person.community), project_list_open(person.community)
    if current is not None:
        initial = {"posts": current.posts.all(), "projects": current.projects.all()}
        return ChooseForm(request.POST or None, posts=posts, projects=projects, initial=initial)
    branches = Organization.objects.filter(district_id=person.district_id, kind=Kind.PARTY, is_active=True)
    return ReportInForm(
        request.POST or None,
        branches=branches.order_by("region__code", "name"),
        posts=posts,
        projects=projects,
        initial={
            "origin": membership.origin if membership else "",
            "home_branch": membership.home_branch_id if membership else None,
        },
    )


def _me_save(request: HttpRequest, person, current, data) -> str:
    """Submit or change the report-in; returns the message for the member."""
    choice = {"posts": list(data["posts"]), "projects": list(data["projects"]), "actor": request.user}
    if current is not None:
        services.report_in_choose(report_in=current, **choice)
        return _("认领的岗位和项目已更新。")
    services.report_in_submit(
        person=person,
        origin=data["origin"],
        home_branch=data["home_branch"],
        home_unit_name=data["home_unit_name"],
        **choice,
    )
    return _("报到成功！欢迎参加社区的活动和服务。")


@login_required
def report_in_me(request: HttpRequest) -> HttpResponse:
    """A party member reports in to the community where they live, and sees what they served."""
    require_role(request.user, Role.RESIDENT)
    person = request.user.person
    if person is None:
        raise Http404
    membership, current = party_membership_get(person), report_in_get_active(person)
    form = _me_form(request, person, membership, current)
    if request.method == "POST" and membership is not None and form.is_valid():
        try:
            messages.success(request, _me_save(request, person, current, form.cleaned_data))
        except services.AllianceError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("alliance:report_in_me")
    year = timezone.localdate().year
    record = service_record_get(current, year) if current else None
    return render(
        request,
        "alliance/report_in_me.html",
        {
            "person": person,
            "membership": membership,
            "current": current,
            "form": form,
            "record": record,
            "year": year,
        },
    )


@login_required
def report_in_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *visible.STAFF)
    year = _year(request)
    report_ins = visible.report_in_list_visible(request.user).order_by(
        "community__code", "status", "-reported_on"
    )
    page = Paginator(report_ins, 50).get_page(request.GET.get("page"))
    records = service_record_list(list(page), year)
    community = scope_for(request.user).work_community()
    return render(
        request,
        "alliance/report_ins.html",
        {
            "page": page,
            "rows": [(r, records[r.pk]) for r in page],
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 4, -1),
            "community": community,
            "posts": ServicePost.objects.filter(community=community) if community else [],
            "post_form": ServicePostForm(),
        },
    )


@login_required
@require_POST
def service_post_add(request: HttpRequest) -> HttpResponse:
    require_role(request.user, Role.COMMUNITY_WORKER)
    community = scope_for(request.user).work_community()
    form = ServicePostForm(request.POST)
    if community is None or not form.is_valid():
        messages.error(request, _("请填写岗位名称。"))
    else:
        try:
            services.service_post_create(community=community, actor=request.user, **form.cleaned_data)
        except services.AllianceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("服务岗位已添加。"))
    return redirect("alliance:report_ins")


def _report_in(request: HttpRequest, pk: int, roles=visible.STAFF) -> ReportIn:
    return get_scoped_or_404(
        request.user,
        ReportIn.objects.select_related("person", "community", "home_branch"),
        region="community",
        roles=roles,
        pk=pk,
    )


@login_required
def report_in_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report_in = _report_in(request, pk)
    year = _year(request)
    confirmations = list(report_in.confirmations.select_related("confirmed_by"))
    return render(
        request,
        "alliance/report_in.html",
        {
            "report_in": report_in,
            "record": service_record_get(report_in, year),
            "year": year,
            "confirmations": confirmations,
            "confirmed_years": {c.year for c in confirmations},
            "form": ConfirmForm(initial={"year": year}),
            "may_confirm": scope_for(request.user).has(Role.COMMUNITY_WORKER),
        },
    )


@login_required
@require_POST
def report_in_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    report_in = _report_in(request, pk, roles=(Role.COMMUNITY_WORKER,))
    form = ConfirmForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写年度。"))
        return redirect("alliance:report_in", pk=report_in.pk)
    try:
        services.report_in_confirm(report_in=report_in, actor=request.user, **form.cleaned_data)
    except services.AllianceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已确认，可以导出反馈表发给党员所在党组织。"))
    return redirect(f"{reverse('alliance:report_in', args=[report_in.pk])}?year={form.cleaned_data['year']}")


@login_required
def report_in_feedback(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """The yearly feedback sheet for the member's home branch or unit (after the community confirmed)."""
    report_in = _report_in(request, pk)
    confirmation = report_in.confirmations.filter(year=year).select_related("confirmed_by").first()
    if confirmation is None:
        messages.error(request, _("%(y)d 年度还没有确认，请先确认再导出反馈表。") % {"y": year})
        return redirect("alliance:report_in", pk=report_in.pk)
    sheets = exports.report_in_feedback_sheets(report_in, confirmation, service_record_get(report_in, year))
    return xlsx_response(
        request,
        filename=f"report-in-feedback-{report_in.pk}-{year}",
        sheets=sheets,
        action="alliance.export_report_in_feedback",
        target=report_in,
    )


@login_required
def report_ins_export(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *visible.STAFF)
    year = _year(request)
    return xlsx_response(
        request,
        filename=f"report-ins-{year}",
        sheets=exports.report_in_sheets(visible.report_in_list_visible(request.user), year),
        action="alliance.export_report_ins",
    )

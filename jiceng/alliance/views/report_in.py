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

from jiceng.alliance import services
from jiceng.alliance.forms import ChooseForm, ConfirmForm, ReportInForm, ServicePostForm
from jiceng.alliance.models import Project, ProjectStatus, ReportIn, ReportInStatus, ServicePost
from jiceng.alliance.queries import visible
from jiceng.alliance.queries.report_in import service_record, service_records
from jiceng.core.models import Role
from jiceng.core.scope import get_scoped_or_404, require_role, scope_for
from jiceng.core.sheets import Sheet, xlsx_response
from jiceng.orgs.models import Kind, Organization
from jiceng.people.models import PartyMembership
from jiceng.regions.models import Level


def _choices(community):
    posts = ServicePost.objects.filter(community=community, is_active=True)
    projects = Project.objects.filter(need__community=community, status=ProjectStatus.ONGOING)
    return posts, projects


def _year(request: HttpRequest) -> int:
    try:
        return int(request.GET.get("year", ""))
    except ValueError:
        return timezone.localdate().year


@login_required
def report_in_me(request: HttpRequest) -> HttpResponse:
    """A party member reports in to the community where they live, and sees what they served."""
    require_role(request.user, Role.RESIDENT)
    person = request.user.person
    if person is None:
        raise Http404
    membership = PartyMembership.objects.filter(person=person).select_related("home_branch").first()
    current = ReportIn.objects.filter(person=person, status=ReportInStatus.ACTIVE).first()
    posts, projects = _choices(person.community)
    if current is not None:
        form = ChooseForm(
            request.POST or None,
            posts=posts,
            projects=projects,
            initial={"posts": current.posts.all(), "projects": current.projects.all()},
        )
    else:
        branches = Organization.objects.filter(
            district_id=person.district_id, kind=Kind.PARTY, is_active=True
        )
        form = ReportInForm(
            request.POST or None,
            branches=branches.order_by("region__code", "name"),
            posts=posts,
            projects=projects,
            initial={
                "origin": membership.origin if membership else "",
                "home_branch": membership.home_branch_id if membership else None,
            },
        )
    if request.method == "POST" and membership is not None and form.is_valid():
        data = form.cleaned_data
        try:
            if current is None:
                services.report_in_submit(
                    person=person,
                    actor=request.user,
                    origin=data["origin"],
                    home_branch=data["home_branch"],
                    home_unit_name=data["home_unit_name"],
                    posts=list(data["posts"]),
                    projects=list(data["projects"]),
                )
                messages.success(request, _("报到成功！欢迎参加社区的活动和服务。"))
            else:
                services.report_in_choose(
                    report_in=current,
                    posts=list(data["posts"]),
                    projects=list(data["projects"]),
                    actor=request.user,
                )
                messages.success(request, _("认领的岗位和项目已更新。"))
        except services.AllianceError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("alliance:report_in_me")
    year = timezone.localdate().year
    return render(
        request,
        "alliance/report_in_me.html",
        {
            "person": person,
            "membership": membership,
            "current": current,
            "form": form,
            "record": service_record(current, year) if current else None,
            "year": year,
        },
    )


def _worker_community(user):
    scope = scope_for(user)
    return (
        next((r for r in scope.regions if r.level == Level.COMMUNITY), None)
        if scope.has(Role.COMMUNITY_WORKER)
        else None
    )


@login_required
def report_in_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *visible.STAFF)
    year = _year(request)
    report_ins = visible.report_ins(request.user).order_by("community__code", "status", "-reported_on")
    page = Paginator(report_ins, 50).get_page(request.GET.get("page"))
    records = service_records(list(page), year)
    community = _worker_community(request.user)
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
    community = _worker_community(request.user)
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
            "record": service_record(report_in, year),
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
    record = service_record(report_in, year)
    summary = [
        (_("姓名"), report_in.person.name),
        (_("党员来源"), report_in.get_origin_display()),
        (_("所在党组织/工作单位"), report_in.home_label),
        (
            _("报到社区"),
            f"{report_in.community.parent.name if report_in.community.parent_id else ''}{report_in.community.name}",
        ),
        (_("报到日期"), report_in.reported_on),
        (_("认领岗位"), "、".join(p.name for p in report_in.posts.all())),
        (_("认领项目"), "、".join(p.title for p in report_in.projects.all())),
        (_("年度"), year),
        (_("参加活动次数"), confirmation.activities),
        (_("服务时长（小时）"), round(confirmation.minutes / 60, 1)),
        (_("社区评价意见"), confirmation.comment),
        (_("确认人"), str(confirmation.confirmed_by)),
        (_("确认时间"), confirmation.confirmed_at),
    ]
    detail = [
        (
            timezone.localtime(c.checked_in_at).date(),
            c.activity.title,
            c.activity.place,
            c.checked_in_at,
            c.checked_out_at,
            c.minutes,
        )
        for c in record.rows
    ]
    return xlsx_response(
        request,
        filename=f"report-in-feedback-{report_in.pk}-{year}",
        sheets=[
            Sheet(_("服务情况反馈表"), [_("项目"), _("内容")], summary, (22, 60)),
            Sheet(
                _("活动明细"),
                [_("日期"), _("活动"), _("地点"), _("签到"), _("签退"), _("服务时长（分钟）")],
                detail,
                (12, 30, 24, 18, 18, 14),
            ),
        ],
        action="alliance.export_report_in_feedback",
        target=report_in,
    )


@login_required
def report_ins_export(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *visible.STAFF)
    year = _year(request)
    report_ins = list(
        visible.report_ins(request.user).prefetch_related("posts").order_by("community__code", "pk")
    )
    records = service_records(report_ins, year)
    rows = [
        (
            r.person.name,
            r.get_origin_display(),
            r.home_label,
            r.community.name,
            r.reported_on,
            r.get_status_display(),
            "、".join(p.name for p in r.posts.all()),
            records[r.pk].activities,
            records[r.pk].minutes,
        )
        for r in report_ins
    ]
    headers = [
        _("姓名"),
        _("党员来源"),
        _("所在党组织/工作单位"),
        _("报到社区"),
        _("报到日期"),
        _("状态"),
        _("认领岗位"),
        _("%(y)d 年参加活动次数") % {"y": year},
        _("%(y)d 年服务时长（分钟）") % {"y": year},
    ]
    return xlsx_response(
        request,
        filename=f"report-ins-{year}",
        sheets=[Sheet(_("报到党员"), headers, rows, (12, 10, 30, 20, 12, 12, 30, 14, 16))],
        action="alliance.export_report_ins",
    )

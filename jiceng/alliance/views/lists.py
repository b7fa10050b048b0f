"""Pages of the three lists: needs, resources, projects, and the resident's own needs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.alliance import services
from jiceng.alliance.forms import (
    NeedForm,
    ProjectCloseForm,
    ProjectForm,
    RateForm,
    ResidentNeedForm,
    ResourceForm,
)
from jiceng.alliance.models import (
    ListCategory,
    Need,
    NeedSource,
    NeedStatus,
    Project,
    ProjectStatus,
)
from jiceng.alliance.queries import visible
from jiceng.alliance.queries.lists import suggest_resources
from jiceng.core.models import Role
from jiceng.core.scope import require_role, scope_for, scoped
from jiceng.core.sheets import Sheet, xlsx_response
from jiceng.orgs.models import Kind, Organization
from jiceng.regions.models import Level, Region, prefix_range

STAFF = visible.STAFF
WITH_UNITS = (*STAFF, Role.UNIT_OPERATOR)


def _communities(user):
    return scoped(user, Region.objects.active(), region="", roles=STAFF).filter(level=Level.COMMUNITY)


def _get(qs, pk):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


# --------------------------------------------------------------------------- needs


def _needs(request: HttpRequest):
    needs = visible.needs(request.user)
    status, category = request.GET.get("status", ""), request.GET.get("category", "")
    if status in NeedStatus.values:
        needs = needs.filter(status=status)
    if category in ListCategory.values:
        needs = needs.filter(category=category)
    return needs.order_by("-created_at"), {"status": status, "category": category}


@login_required
def need_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *STAFF)
    needs, filters = _needs(request)
    return render(
        request,
        "alliance/needs.html",
        {
            "page": Paginator(needs, 50).get_page(request.GET.get("page")),
            "filters": filters,
            "statuses": NeedStatus.choices,
            "categories": ListCategory.choices,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def needs_export(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *STAFF)
    needs, _filters = _needs(request)
    rows = [
        (
            n.pk,
            n.title,
            n.get_category_display(),
            n.get_urgency_display(),
            n.get_source_display(),
            n.requester.masked_name if n.requester_id else "",
            n.community.name,
            n.lon,
            n.lat,
            n.get_status_display(),
            n.created_at,
            n.resolved_at,
            n.rating,
            n.rated_at,
        )
        for n in needs
    ]
    headers = [
        _("编号"),
        _("需求"),
        _("类别"),
        _("紧急程度"),
        _("来源"),
        _("提出居民"),
        _("社区"),
        _("经度"),
        _("纬度"),
        _("状态"),
        _("提出时间"),
        _("解决时间"),
        _("满意度（1–5）"),
        _("评价时间"),
    ]
    return xlsx_response(
        request,
        filename="alliance-needs",
        sheets=[Sheet(_("需求清单"), headers, rows, (8, 30, 10, 8, 10, 10, 20, 10, 10, 8, 18, 18, 10, 18))],
        action="alliance.export_needs",
    )


@login_required
def need_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *STAFF)
    form = NeedForm(request.POST or None, communities=_communities(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            need = services.need_create(source=NeedSource.COMMUNITY, actor=request.user, **form.cleaned_data)
        except services.AllianceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("需求已登记，系统已按类别和距离推荐资源。"))
            return redirect("alliance:need", pk=need.pk)
    return render(
        request, "alliance/form.html", {"form": form, "title": _("登记社区需求"), "back": "alliance:needs"}
    )


def _project_owners(need: Need):
    return Organization.objects.filter(
        prefix_range(need.community.code[:9], "region__code"), is_active=True
    ).order_by("kind", "name")


@login_required
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *STAFF)
    need = _get(visible.needs(request.user), pk)
    candidates = visible.resources(request.user)
    matches = suggest_resources(need, candidates)
    form = ProjectForm(
        initial={
            "title": need.title,
            "resources": [m.resource.pk for m in matches[:1]],
            "owner": matches[0].resource.organization_id if matches else None,
        },
        resources=candidates.filter(is_active=True),
        owners=_project_owners(need),
    )
    return render(
        request,
        "alliance/need.html",
        {
            "need": need,
            "matches": matches,
            "form": form,
            "projects": need.projects.select_related("owner").prefetch_related("resources"),
        },
    )


@login_required
@require_POST
def project_create(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *STAFF)
    need = _get(visible.needs(request.user), pk)
    form = ProjectForm(
        request.POST,
        resources=visible.resources(request.user).filter(is_active=True),
        owners=_project_owners(need),
    )
    if not form.is_valid():
        messages.error(request, _("请选择至少一项资源、牵头单位和计划完成日期。"))
        return redirect("alliance:need", pk=need.pk)
    data = form.cleaned_data
    try:
        project = services.project_create(
            need=need,
            resources=list(data["resources"]),
            title=data["title"],
            owner=data["owner"],
            starts_on=data["starts_on"],
            ends_on=data["ends_on"],
            actor=request.user,
        )
    except services.AllianceError as exc:
        messages.error(request, str(exc))
        return redirect("alliance:need", pk=need.pk)
    messages.success(request, _("项目已立项。"))
    return redirect("alliance:project", pk=project.pk)


@login_required
@require_POST
def need_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *STAFF)
    need = _get(visible.needs(request.user), pk)
    try:
        services.need_withdraw(need=need, actor=request.user)
    except services.AllianceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("需求已撤回。"))
    return redirect("alliance:need", pk=need.pk)


@login_required
def my_needs(request: HttpRequest) -> HttpResponse:
    """A resident's own needs: ask for help, follow it, rate the result."""
    require_role(request.user, Role.RESIDENT)
    person = request.user.person
    if person is None:
        raise Http404
    form = ResidentNeedForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.need_create(
                community=person.community,
                source=NeedSource.RESIDENT,
                requester=person,
                actor=request.user,
                **form.cleaned_data,
            )
        except services.AllianceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已提交，社区会尽快联系您。"))
            return redirect("alliance:my_needs")
    needs = Need.objects.filter(requester=person).prefetch_related("projects").order_by("-created_at")
    return render(request, "alliance/my_needs.html", {"form": form, "needs": needs, "rate_form": RateForm()})


# --------------------------------------------------------------------------- resources


def _resource_orgs(user):
    scope = scope_for(user)
    if scope.has(*STAFF):
        return scoped(
            user, Organization.objects.filter(is_active=True), region="region", roles=STAFF
        ).exclude(kind=Kind.PARTY)
    return Organization.objects.filter(pk__in=scope.org_ids, is_active=True)


def _resource_communities(user):
    scope = scope_for(user)
    if scope.has(*STAFF):
        return _communities(user)
    q = Q(pk__in=[])
    for org in Organization.objects.filter(pk__in=scope.org_ids).select_related("region"):
        q |= prefix_range(org.region.code[:9])
    return Region.objects.filter(q, level=Level.COMMUNITY, is_active=True)


@login_required
def resource_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *WITH_UNITS)
    resources = visible.resources(request.user)
    category = request.GET.get("category", "")
    if category in ListCategory.values:
        resources = resources.filter(category=category)
    return render(
        request,
        "alliance/resources.html",
        {
            "page": Paginator(resources.order_by("-is_active", "-created_at"), 50).get_page(
                request.GET.get("page")
            ),
            "category": category,
            "categories": ListCategory.choices,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def resources_export(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *WITH_UNITS)
    rows = [
        (
            r.pk,
            r.title,
            r.get_category_display(),
            r.amount,
            r.organization.name,
            r.community.name,
            r.lon,
            r.lat,
            _("可提供") if r.is_active else _("已撤下"),
            r.created_at,
        )
        for r in visible.resources(request.user).order_by("-created_at")
    ]
    headers = [
        _("编号"),
        _("资源"),
        _("类别"),
        _("数量/频次"),
        _("提供单位"),
        _("所在社区"),
        _("经度"),
        _("纬度"),
        _("状态"),
        _("登记时间"),
    ]
    return xlsx_response(
        request,
        filename="alliance-resources",
        sheets=[Sheet(_("资源清单"), headers, rows, (8, 30, 10, 16, 26, 20, 10, 10, 8, 18))],
        action="alliance.export_resources",
    )


@login_required
def resource_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *WITH_UNITS)
    form = ResourceForm(
        request.POST or None,
        organizations=_resource_orgs(request.user),
        communities=_resource_communities(request.user),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.resource_create(actor=request.user, **form.cleaned_data)
        except services.AllianceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("资源已登记，会推荐给有相应需求的社区。"))
            return redirect("alliance:resources")
    return render(
        request,
        "alliance/form.html",
        {"form": form, "title": _("登记可提供的资源"), "back": "alliance:resources"},
    )


@login_required
@require_POST
def resource_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *WITH_UNITS)
    resource = _get(visible.resources(request.user), pk)
    services.resource_withdraw(resource=resource, actor=request.user)
    messages.success(request, _("资源已撤下。"))
    return redirect("alliance:resources")


# --------------------------------------------------------------------------- projects


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *WITH_UNITS)
    projects = visible.projects(request.user)
    status = request.GET.get("status", "")
    if status in ProjectStatus.values:
        projects = projects.filter(status=status)
    return render(
        request,
        "alliance/projects.html",
        {
            "page": Paginator(projects.order_by("-status", "ends_on"), 50).get_page(request.GET.get("page")),
            "status": status,
            "statuses": ProjectStatus.choices,
            "query": request.GET.urlencode(),
            "today": timezone.localdate(),
        },
    )


@login_required
def projects_export(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *WITH_UNITS)
    projects = (
        visible.projects(request.user).prefetch_related("resources__organization").order_by("-created_at")
    )
    rows = [
        (
            p.pk,
            p.title,
            p.need.title,
            p.need.community.name,
            "；".join(f"{r.title}（{r.organization.name}）" for r in p.resources.all()),
            p.owner.name,
            p.starts_on,
            p.ends_on,
            p.get_status_display(),
            p.closed_at,
            p.closure_note,
            p.rating,
            p.rating_comment,
            p.rated_at,
        )
        for p in projects
    ]
    headers = [
        _("编号"),
        _("项目"),
        _("需求"),
        _("社区"),
        _("资源"),
        _("牵头单位"),
        _("开始日期"),
        _("计划完成日期"),
        _("状态"),
        _("结项时间"),
        _("结项说明"),
        _("需求方评价（1–5）"),
        _("评价意见"),
        _("评价时间"),
    ]
    return xlsx_response(
        request,
        filename="alliance-projects",
        sheets=[Sheet(_("项目清单"), headers, rows, (8, 26, 26, 18, 40, 24, 12, 12, 8, 18, 40, 10, 24, 18))],
        action="alliance.export_projects",
    )


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *WITH_UNITS)
    project = _get(visible.projects(request.user), pk)
    return render(
        request,
        "alliance/project.html",
        {
            "project": project,
            "resources": project.resources.select_related("organization", "community"),
            "close_form": ProjectCloseForm(),
            "rate_form": RateForm(),
            "may_rate": services.may_rate(request.user, project.need),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def project_close(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *WITH_UNITS)
    project = _get(visible.projects(request.user), pk)
    form = ProjectCloseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请填写结项说明。"))
    else:
        try:
            services.project_close(project=project, actor=request.user, **form.cleaned_data)
        except services.AllianceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("项目已结项，需求标记为已解决。请需求方评价。"))
    return redirect("alliance:project", pk=project.pk)


@login_required
@require_POST
def project_rate(request: HttpRequest, pk: int) -> HttpResponse:
    """Rated by the requester: the resident who asked, or the community's workers."""
    project = Project.objects.select_related("need").filter(pk=pk).first()
    if project is None or not services.may_rate(request.user, project.need):
        raise Http404
    form = RateForm(request.POST)
    back = "alliance:my_needs" if project.need.requester_id else "alliance:project"
    if not form.is_valid():
        messages.error(request, _("请选择 1 到 5 分的评价。"))
    else:
        try:
            services.project_rate(project=project, actor=request.user, **form.cleaned_data)
        except services.AllianceError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("谢谢您的评价！"))
    return redirect(back) if back == "alliance:my_needs" else redirect(back, pk=project.pk)

"""Pages of the three lists: needs, resources, projects, and the resident's own needs."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.alliance import exports, services
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
from jiceng.alliance.queries.lists import (
    organization_list_project_owners,
    project_may_rate,
    resource_list_suggested,
)
from jiceng.core.models import Role
from jiceng.core.scope import require_role
from jiceng.core.sheets import xlsx_response

STAFF = visible.STAFF
WITH_UNITS = (*STAFF, Role.UNIT_OPERATOR)


def _get(qs, pk):
    obj = qs.filter(pk=pk).first()
    if obj is None:
        raise Http404
    return obj


# --------------------------------------------------------------------------- needs


def _needs(request: HttpRequest):
    needs = visible.need_list_visible(request.user)
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
    return xlsx_response(
        request, filename="alliance-needs", sheets=exports.need_sheets(needs), action="alliance.export_needs"
    )


@login_required
def need_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *STAFF)
    form = NeedForm(request.POST or None, communities=visible.community_list_visible(request.user))
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


@login_required
def need_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *STAFF)
    need = _get(visible.need_list_visible(request.user), pk)
    candidates = visible.resource_list_visible(request.user)
    matches = resource_list_suggested(need, candidates)
    form = ProjectForm(
        initial={
            "title": need.title,
            "resources": [m.resource.pk for m in matches[:1]],
            "owner": matches[0].resource.organization_id if matches else None,
        },
        resources=candidates.filter(is_active=True),
        owners=organization_list_project_owners(need),
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
    need = _get(visible.need_list_visible(request.user), pk)
    form = ProjectForm(
        request.POST,
        resources=visible.resource_list_visible(request.user).filter(is_active=True),
        owners=organization_list_project_owners(need),
    )
    if not form.is_valid():
        messages.error(request, _("请选择至少一项资源、牵头单位和计划完成日期。"))
        return redirect("alliance:need", pk=need.pk)
    data = form.cleaned_data | {"resources": list(form.cleaned_data["resources"])}
    try:
        project = services.project_create(need=need, actor=request.user, **data)
    except services.AllianceError as exc:
        messages.error(request, str(exc))
        return redirect("alliance:need", pk=need.pk)
    messages.success(request, _("项目已立项。"))
    return redirect("alliance:project", pk=project.pk)


@login_required
@require_POST
def need_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *STAFF)
    need = _get(visible.need_list_visible(request.user), pk)
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


@login_required
def resource_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *WITH_UNITS)
    resources = visible.resource_list_visible(request.user)
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
    return xlsx_response(
        request,
        filename="alliance-resources",
        sheets=exports.resource_sheets(visible.resource_list_visible(request.user)),
        action="alliance.export_resources",
    )


@login_required
def resource_create(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *WITH_UNITS)
    form = ResourceForm(
        request.POST or None,
        organizations=visible.organization_list_offering(request.user),
        communities=visible.community_list_offering(request.user),
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
    resource = _get(visible.resource_list_visible(request.user), pk)
    services.resource_withdraw(resource=resource, actor=request.user)
    messages.success(request, _("资源已撤下。"))
    return redirect("alliance:resources")


# --------------------------------------------------------------------------- projects


@login_required
def project_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *WITH_UNITS)
    projects = visible.project_list_visible(request.user)
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
    return xlsx_response(
        request,
        filename="alliance-projects",
        sheets=exports.project_sheets(visible.project_list_visible(request.user)),
        action="alliance.export_projects",
    )


@login_required
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *WITH_UNITS)
    project = _get(visible.project_list_visible(request.user), pk)
    return render(
        request,
        "alliance/project.html",
        {
            "project": project,
            "resources": project.resources.select_related("organization", "community"),
            "close_form": ProjectCloseForm(),
            "rate_form": RateForm(),
            "may_rate": project_may_rate(request.user, project),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def project_close(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *WITH_UNITS)
    project = _get(visible.project_list_visible(request.user), pk)
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
    if project is None or not project_may_rate(request.user, project):
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

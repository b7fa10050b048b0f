"""Grids: the list with figures per grid, the import, one grid's page, and the grid worker's home."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jiceng.alliance.models import NeedStatus
from jiceng.core.jobs import import_job_start
from jiceng.core.models import ImportJob, Role
from jiceng.core.scope import get_scoped_or_404, require_role, scoped
from jiceng.core.sheets import xlsx_response
from jiceng.linkage import exports, queries, services
from jiceng.linkage.errors import LinkageError
from jiceng.linkage.forms import HouseholdAssignForm, ImportForm
from jiceng.linkage.queries.grids import MANAGERS


@login_required
def grid_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *MANAGERS)
    figures = queries.grid_figures_list(queries.grid_list_managed(request.user))
    if request.GET.get("format") == "xlsx":
        return xlsx_response(
            request, filename="grids.xlsx", sheets=exports.grid_sheets(figures), action="linkage.grid_export"
        )
    return render(request, "linkage/grids.html", {"figures": figures})


@login_required
def grid_detail(request: HttpRequest, code: str) -> HttpResponse:
    require_role(request.user, *MANAGERS, Role.GRID_WORKER)
    grid = queries.grid_get_visible(request.user, code)
    if grid is None:
        raise Http404
    manages = queries.grid_list_managed(request.user).filter(pk=grid.pk).exists()
    form = None
    if manages:
        form = HouseholdAssignForm(request.POST or None, households=queries.household_list_movable(grid))
        if request.method == "POST" and form.is_valid():
            try:
                n = services.household_assign(
                    households=list(form.cleaned_data["households"]), grid=grid, actor=request.user
                )
            except LinkageError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("已把 %(n)d 户划入本网格。") % {"n": n})
                return redirect("linkage:grid", code=grid.code)
    elif request.method == "POST":
        raise Http404
    return render(
        request,
        "linkage/grid.html",
        {
            "grid": grid,
            "f": queries.grid_figures_list([grid])[0],
            "households": queries.grid_households(grid).order_by("number")[:500],
            "form": form,
        },
    )


@login_required
def grid_home(request: HttpRequest) -> HttpResponse:
    """The grid worker's phone-first home: households, open needs, tasks, claims to vouch for."""
    require_role(request.user, Role.GRID_WORKER)
    grids = queries.grid_list_worked(request.user)
    if not grids:
        raise Http404
    grid = grids[0]
    tasks = [s for s in queries.assignment_list_inbox(request.user) if not s.done]
    needs = queries.grid_needs(grid).exclude(status__in=[NeedStatus.RESOLVED, NeedStatus.WITHDRAWN])
    return render(
        request,
        "linkage/grid_home.html",
        {
            "grid": grid,
            "f": queries.grid_figures_list([grid])[0],
            "tasks": tasks,
            "needs": needs.order_by("-created_at")[:50],
            "claims": queries.grid_claims_waiting(grid)[:50],
            "households": queries.grid_households(grid).order_by("number")[:200],
        },
    )


@login_required
def grid_import(request: HttpRequest) -> HttpResponse:
    region = require_role(request.user, *MANAGERS).primary_region
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        job = import_job_start(
            kind="grids", filename=upload.name, actor=request.user, region=region, data=upload.read()
        )
        return redirect("linkage:grid_import_job", pk=job.pk)
    jobs = scoped(request.user, ImportJob.objects.filter(kind="grids"), region="region", roles=MANAGERS)[:10]
    return render(
        request,
        "linkage/import.html",
        {"form": form, "jobs": jobs, "columns": services.COLUMNS, "region": region},
    )


@login_required
def grid_import_job(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *MANAGERS)
    job = get_scoped_or_404(
        request.user, ImportJob.objects.filter(kind="grids"), region="region", roles=MANAGERS, pk=pk
    )
    template = "linkage/_job.html" if request.headers.get("HX-Request") else "linkage/job.html"
    return render(request, template, {"job": job})


@login_required
def grid_import_template(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *MANAGERS)
    return exports.grid_import_template()

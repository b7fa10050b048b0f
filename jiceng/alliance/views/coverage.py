"""Pages of new-sector coverage: rates per subdistrict, each organisation's history, 边建边散."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.alliance import exports, services
from jiceng.alliance.forms import SectorEndForm, SectorFoundForm, SectorMembersForm
from jiceng.alliance.models import BranchState, SectorBranch
from jiceng.alliance.queries import visible
from jiceng.alliance.queries.coverage import (
    DEFAULT_FADE_MONTHS,
    coverage_list_by_org,
    coverage_list_by_subdistrict,
    coverage_sum,
    sector_branch_is_faded,
    sector_branch_list_faded,
)
from jiceng.core.scope import get_scoped_or_404, require_role
from jiceng.core.sheets import xlsx_response
from jiceng.orgs.models import Kind, Organization, Sector

ADMINS = visible.ADMINS


def _months(request: HttpRequest) -> int:
    try:
        return max(1, min(120, int(request.GET.get("months", DEFAULT_FADE_MONTHS))))
    except ValueError:
        return DEFAULT_FADE_MONTHS


def _sector_orgs(request: HttpRequest):
    """The new-sector organisations in scope, of the sector asked for (all when none is)."""
    sector = request.GET.get("sector", "")
    orgs = visible.sector_org_list_visible(request.user)
    return (orgs.filter(sector=sector) if sector in Sector.values else orgs), sector


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *ADMINS)
    months = _months(request)
    orgs, sector = _sector_orgs(request)
    rows = coverage_list_by_org(orgs)
    table = coverage_list_by_subdistrict(rows, months)
    faded = sector_branch_list_faded(visible.sector_branch_list_visible(request.user), months)
    return render(
        request,
        "alliance/coverage.html",
        {
            "months": months,
            "sector": sector,
            "sectors": Sector.choices,
            "rows": rows,
            "table": table,
            "total": coverage_sum(table),
            "faded": faded,
            "faded_ids": {b.sector_org_id for b in faded},
            "chart": _chart(table),
            "query": request.GET.urlencode(),
        },
    )


def _chart(table) -> dict:
    return {
        "names": [r.name for r in table],
        "rates": [r.rate or 0 for r in table],
        "covered": [r.covered for r in table],
        "total": [r.total for r in table],
    }


@login_required
def coverage_export(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *ADMINS)
    orgs, _sector = _sector_orgs(request)
    sheets = exports.coverage_sheets(orgs, visible.sector_branch_list_visible(request.user), _months(request))
    return xlsx_response(
        request,
        filename="new-sector-coverage",
        sheets=sheets,
        action="alliance.export_coverage",
        rows=len(sheets[1].rows),  # one per organisation
    )


def _sector_org(request: HttpRequest, pk: int) -> Organization:
    return get_scoped_or_404(
        request.user,
        Organization.objects.filter(kind=Kind.NEW_SECTOR).select_related("region"),
        region="region",
        roles=ADMINS,
        pk=pk,
    )


@login_required
def sector_org(request: HttpRequest, pk: int) -> HttpResponse:
    org = _sector_org(request, pk)
    branches = list(SectorBranch.objects.filter(sector_org=org).order_by("-founded_on", "-pk"))
    active = next((b for b in branches if b.state == BranchState.ACTIVE), None)
    months = _months(request)
    return render(
        request,
        "alliance/sector_org.html",
        {
            "org": org,
            "branches": [(b, sector_branch_is_faded(b, months)) for b in branches],
            "active": active,
            "months": months,
            "found_form": SectorFoundForm(initial={"name": _("中共%(o)s支部委员会") % {"o": org.name}}),
            "end_form": SectorEndForm(),
            "members_form": SectorMembersForm(initial={"member_count": active.member_count if active else 0}),
        },
    )


def _after(request: HttpRequest, call, ok: str, org_pk: int) -> HttpResponse:
    try:
        call()
    except services.AllianceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, ok)
    return redirect("alliance:sector_org", pk=org_pk)


def _form_error(request: HttpRequest, org_pk: int) -> HttpResponse:
    messages.error(request, _("请把表单填写完整。"))
    return redirect("alliance:sector_org", pk=org_pk)


@login_required
@require_POST
def sector_branch_found(request: HttpRequest, pk: int) -> HttpResponse:
    org = _sector_org(request, pk)
    form = SectorFoundForm(request.POST)
    if not form.is_valid():
        return _form_error(request, org.pk)
    return _after(
        request,
        lambda: services.sector_branch_found(sector_org=org, actor=request.user, **form.cleaned_data),
        _("已登记党组织成立。"),
        org.pk,
    )


def _branch(request: HttpRequest, pk: int) -> SectorBranch:
    return get_scoped_or_404(
        request.user, SectorBranch.objects.all(), region="sector_org__region", roles=ADMINS, pk=pk
    )


@login_required
@require_POST
def sector_branch_end(request: HttpRequest, pk: int) -> HttpResponse:
    branch = _branch(request, pk)
    form = SectorEndForm(request.POST)
    if not form.is_valid():
        return _form_error(request, branch.sector_org_id)
    return _after(
        request,
        lambda: services.sector_branch_end(branch=branch, actor=request.user, **form.cleaned_data),
        _("已登记。"),
        branch.sector_org_id,
    )


@login_required
@require_POST
def sector_branch_members(request: HttpRequest, pk: int) -> HttpResponse:
    branch = _branch(request, pk)
    form = SectorMembersForm(request.POST)
    if not form.is_valid():
        return _form_error(request, branch.sector_org_id)
    return _after(
        request,
        lambda: services.sector_branch_set_members(branch=branch, actor=request.user, **form.cleaned_data),
        _("党员人数已更新。"),
        branch.sector_org_id,
    )

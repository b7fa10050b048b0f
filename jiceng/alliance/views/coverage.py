"""Pages of new-sector coverage: rates per subdistrict, each organisation's history, 边建边散."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.alliance import services
from jiceng.alliance.forms import SectorEndForm, SectorFoundForm, SectorMembersForm
from jiceng.alliance.models import BranchState, SectorBranch
from jiceng.alliance.queries import visible
from jiceng.alliance.queries.coverage import (
    DEFAULT_FADE_MONTHS,
    coverage_by_subdistrict,
    coverage_total,
    faded_branches,
    is_faded,
    org_coverage,
)
from jiceng.core.scope import get_scoped_or_404, require_role
from jiceng.core.sheets import Sheet, xlsx_response
from jiceng.orgs.models import Kind, Organization, Sector

ADMINS = visible.ADMINS


def _months(request: HttpRequest) -> int:
    try:
        return max(1, min(120, int(request.GET.get("months", DEFAULT_FADE_MONTHS))))
    except ValueError:
        return DEFAULT_FADE_MONTHS


def _figures(request: HttpRequest):
    months = _months(request)
    sector = request.GET.get("sector", "")
    orgs = visible.sector_orgs(request.user)
    if sector in Sector.values:
        orgs = orgs.filter(sector=sector)
    rows = org_coverage(orgs)
    table = coverage_by_subdistrict(rows, months)
    return months, sector, rows, table


@login_required
def coverage(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *ADMINS)
    months, sector, rows, table = _figures(request)
    faded = faded_branches(visible.sector_branches(request.user), months)
    chart = {
        "names": [r.name for r in table],
        "rates": [r.rate or 0 for r in table],
        "covered": [r.covered for r in table],
        "total": [r.total for r in table],
    }
    return render(
        request,
        "alliance/coverage.html",
        {
            "months": months,
            "sector": sector,
            "sectors": Sector.choices,
            "rows": rows,
            "table": table,
            "total": coverage_total(table),
            "faded": faded,
            "faded_ids": {b.sector_org_id for b in faded},
            "chart": chart,
            "query": request.GET.urlencode(),
        },
    )


@login_required
def coverage_export(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *ADMINS)
    months, _sector, rows, table = _figures(request)
    faded = faded_branches(visible.sector_branches(request.user), months)
    rates = [(r.name, r.total, r.covered, r.rate, r.members, r.faded) for r in table]
    total = coverage_total(table)
    rates.append((_("合计"), total.total, total.covered, total.rate, total.members, total.faded))
    orgs = [
        (
            r.org.name,
            r.org.get_sector_display(),
            r.org.region.name,
            _("已覆盖") if r.covered else _("未覆盖"),
            r.active.name if r.active else (r.latest.name if r.latest else ""),
            r.active.founded_on if r.active else (r.latest.founded_on if r.latest else None),
            None if r.active or not r.latest else r.latest.ended_on,
            "" if r.active or not r.latest else r.latest.get_state_display(),
            r.member_count,
            _("是") if any(is_faded(b, months) for b in r.branches) else "",
        )
        for r in rows
    ]
    fades = [
        (
            b.sector_org.name,
            b.sector_org.region.name,
            b.name,
            b.founded_on,
            b.ended_on,
            b.get_state_display(),
            b.lived_days,
            b.note,
        )
        for b in faded
    ]
    return xlsx_response(
        request,
        filename="new-sector-coverage",
        sheets=[
            Sheet(
                _("覆盖率"),
                [
                    _("街道"),
                    _("新兴领域组织"),
                    _("已建党组织"),
                    _("覆盖率（%）"),
                    _("党员人数"),
                    _("边建边散"),
                ],
                rates,
                (24, 14, 14, 12, 10, 10),
            ),
            Sheet(
                _("新兴领域组织"),
                [
                    _("名称"),
                    _("类别"),
                    _("所在区划"),
                    _("覆盖"),
                    _("党组织"),
                    _("成立日期"),
                    _("停止日期"),
                    _("停止情况"),
                    _("党员人数"),
                    _("边建边散"),
                ],
                orgs,
                (28, 10, 20, 8, 30, 12, 12, 10, 10, 10),
            ),
            Sheet(
                _("边建边散"),
                [
                    _("新兴领域组织"),
                    _("所在区划"),
                    _("党组织"),
                    _("成立日期"),
                    _("停止日期"),
                    _("情况"),
                    _("存续天数"),
                    _("原因"),
                ],
                fades,
                (28, 20, 30, 12, 12, 10, 10, 30),
            ),
        ],
        action="alliance.export_coverage",
        rows=len(orgs),
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
            "branches": [(b, is_faded(b, months)) for b in branches],
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

"""The settlement report (互联互通) and fairness signals, for subdistrict and district administrators."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from jiceng.bank import exports
from jiceng.bank.forms import PeriodForm
from jiceng.bank.queries.participation import participation_list
from jiceng.bank.queries.reports import region_list_for_reports, settlement_get
from jiceng.bank.queries.signals import signals_get
from jiceng.core.models import Role
from jiceng.core.scope import require_role
from jiceng.core.sheets import xlsx_response

ADMINS = (Role.SUBDISTRICT_ADMIN, Role.DISTRICT_ADMIN)


def _period(request: HttpRequest) -> tuple[PeriodForm, dt.date, dt.date]:
    """The period asked for, or this month so far."""
    today = timezone.localdate()
    form = PeriodForm(request.GET or None, initial={"start": today.replace(day=1), "end": today})
    if request.GET and form.is_valid():
        return form, form.cleaned_data["start"], form.cleaned_data["end"]
    return form, today.replace(day=1), today


@login_required
def settlement(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *ADMINS)
    form, start, end = _period(request)
    rep = settlement_get(regions=region_list_for_reports(request.user), start=start, end=end)
    return render(
        request, "bank/reports/settlement.html", {"form": form, "rep": rep, "query": request.GET.urlencode()}
    )


@login_required
def settlement_xlsx(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *ADMINS)
    _form, start, end = _period(request)
    regions = region_list_for_reports(request.user)
    return xlsx_response(
        request,
        filename=f"settlement-{start:%Y%m%d}-{end:%Y%m%d}",
        sheets=exports.settlement_sheets(settlement_get(regions=regions, start=start, end=end)),
        action="bank.settlement_export",
        target=regions[0] if regions else None,
    )


@login_required
def signals(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *ADMINS)
    return render(
        request,
        "bank/reports/signals.html",
        {"signals": signals_get(regions=region_list_for_reports(request.user))},
    )


@login_required
def participation(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *ADMINS)
    rows = participation_list(region_list_for_reports(request.user))
    return render(request, "bank/reports/participation.html", {"rows": rows})

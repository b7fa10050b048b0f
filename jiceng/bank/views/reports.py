"""The settlement report (互联互通) and fairness signals, for subdistrict and district administrators."""

import datetime as dt

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiceng.bank.queries_reports import (
    admin_regions,
    fairness_signals,
    settlement_report,
    settlement_workbook,
)
from jiceng.core.audit import audit
from jiceng.core.models import Role
from jiceng.core.scope import require_role

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ADMINS = (Role.SUBDISTRICT_ADMIN, Role.DISTRICT_ADMIN)
MAX_DAYS = 3 * 366


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("开始日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=gettext_lazy("结束日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise forms.ValidationError(_("结束日期不能早于开始日期"))
            if (end - start).days > MAX_DAYS:
                raise forms.ValidationError(_("一次最多统计三年，请缩短期间"))
        return data


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
    rep = settlement_report(regions=admin_regions(request.user), start=start, end=end)
    return render(
        request, "bank/reports/settlement.html", {"form": form, "rep": rep, "query": request.GET.urlencode()}
    )


@login_required
def settlement_xlsx(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *ADMINS)
    _form, start, end = _period(request)
    regions = admin_regions(request.user)
    data = settlement_workbook(settlement_report(regions=regions, start=start, end=end))
    audit(
        request.user,
        "bank.settlement_export",
        regions[0] if regions else None,
        after={"start": start.isoformat(), "end": end.isoformat()},
        request=request,
    )
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="settlement-{start:%Y%m%d}-{end:%Y%m%d}.xlsx"'
    return response


@login_required
def signals(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *ADMINS)
    return render(
        request,
        "bank/reports/signals.html",
        {"signals": fairness_signals(regions=admin_regions(request.user))},
    )

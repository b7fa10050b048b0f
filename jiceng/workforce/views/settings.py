"""The district's settings and pay table: the district edits them, subdistricts read them."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jiceng.core.models import Role
from jiceng.workforce import queries, services
from jiceng.workforce.forms import PayTableForm, SettingsForm, SettingsYearForm
from jiceng.workforce.models import DEFAULTS, GRADES
from jiceng.workforce.views.common import admin_scope, year_param


@login_required
def settings_page(request: HttpRequest) -> HttpResponse:
    scope, _regions, district = admin_scope(request.user)
    can_edit = scope.has(Role.DISTRICT_ADMIN)
    year = year_param(request)
    current = queries.settings_get(district, year)
    if request.method == "POST" and can_edit:
        form = SettingsForm(request.POST, instance=None)
        year_form = SettingsYearForm(request.POST)
        if form.is_valid() and year_form.is_valid():
            try:
                services.settings_save(
                    actor=request.user,
                    district=district,
                    year=year_form.cleaned_data["year"],
                    values=form.cleaned_data,
                )
            except services.WorkforceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("设置已保存。"))
                return redirect(f"{request.path}?year={year_form.cleaned_data['year']}")
    elif request.method == "POST":
        return HttpResponse(status=403)
    else:
        form = SettingsForm(initial={k: getattr(current, k) for k in DEFAULTS})
        year_form = SettingsYearForm(initial={"year": year})
    rows = [(form[k], DEFAULTS[k], getattr(current, k)) for k in DEFAULTS]
    return render(
        request,
        "workforce/settings.html",
        {
            "form": form,
            "year_form": year_form,
            "rows": rows,
            "year": year,
            "is_default": queries.settings_is_default(district, year),
            "since": current.year if current.pk else None,
            "years": queries.settings_years(district),
            "can_edit": can_edit,
            "district": district,
        },
        status=400 if form.errors or year_form.errors else 200,
    )


@login_required
def pay_table(request: HttpRequest) -> HttpResponse:
    scope, _regions, district = admin_scope(request.user)
    can_edit = scope.has(Role.DISTRICT_ADMIN)
    year = year_param(request)
    table, since = queries.pay_table_get(district, year)
    settings = queries.settings_get(district, year)
    if request.method == "POST":
        if not can_edit:
            return HttpResponse(status=403)
        form = PayTableForm(request.POST)
        if form.is_valid():
            try:
                services.pay_table_save(
                    actor=request.user, district=district, year=form.cleaned_data["year"], table=form.table()
                )
            except services.WorkforceError as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("报酬系数表已保存。"))
                return redirect(f"{request.path}?year={form.cleaned_data['year']}")
    else:
        form = PayTableForm(table=table, initial={"year": year})
    monthly = {g: services.pay_fixed(base, coef, settings.fixed_share) for g, (base, coef) in table.items()}
    return render(
        request,
        "workforce/pay_table.html",
        {
            "form": form,
            "year": year,
            "since": since,
            "can_edit": can_edit,
            "lines": [(g, table[g][0], table[g][1], monthly[g]) for g in GRADES],
            "settings": settings,
        },
        status=400 if form.errors else 200,
    )

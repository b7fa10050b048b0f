"""Funds pages: a region's figures, setting a budget line, allocating, expenses and their reversal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.activities.models import Activity
from jiceng.circle.models import ServicePlace
from jiceng.core.once import confirm_first
from jiceng.core.scope import get_scoped_or_404, scoped
from jiceng.core.sheets import xlsx_response
from jiceng.funding import exports, services
from jiceng.funding.errors import FundingError
from jiceng.funding.forms import AllocationForm, BudgetForm, ExpenseForm, ReverseForm
from jiceng.funding.models import Expense, PurchasedService
from jiceng.funding.queries.funds import budget_holds, expense_list_for, funds_overview, line_holdings
from jiceng.funding.views.common import (
    ADMINS,
    admin_scope,
    lines_in_scope,
    region_in_scope,
    regions_in_scope,
    year_of,
)
from jiceng.regions.models import Level
from jiceng.workforce.queries.pay import pay_sheet_list_for


@login_required
def funds(request: HttpRequest) -> HttpResponse:
    admin_scope(request)
    year = year_of(request)
    region = region_in_scope(request.user, request.GET.get("code"))
    whole, children = funds_overview(region, year=year)
    chart = {
        "names": [c.region.name for c in children],
        "series": [
            {"name": _("预算"), "data": [float(c.budget) for c in children]},
            {"name": _("已支出"), "data": [float(c.spent) for c in children]},
        ],
    }
    return render(
        request,
        "funding/funds.html",
        {
            "region": region,
            "year": year,
            "whole": whole,
            "children": children,
            "lines": line_holdings(region, year=year),
            "chart": chart,
            "ancestors": [
                a for a in region.ancestors() if regions_in_scope(request.user).filter(pk=a.pk).exists()
            ],
        },
    )


@login_required
def funds_export(request: HttpRequest) -> HttpResponse:
    admin_scope(request)
    year = year_of(request)
    region = region_in_scope(request.user, request.GET.get("code"))
    whole, children = funds_overview(region, year=year)
    return xlsx_response(
        request,
        filename="funds",
        sheets=exports.funds_sheets(whole, children, year=year),
        action="funding.export_funds",
        detail={"region": region.code, "year": year},
    )


@login_required
def budget_set(request: HttpRequest) -> HttpResponse:
    admin_scope(request)
    regions = regions_in_scope(request.user, Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY)
    form = BudgetForm(request.POST or None, regions=regions, initial={"year": year_of(request)})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            line = services.budget_set(
                actor=request.user,
                region=regions.get(code=data["region"]),
                year=data["year"],
                kind=data["kind"],
                amount=data["amount"],
                request=request,
            )
        except FundingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已保存：%(l)s 本级预算 %(a)s 元") % {"l": line, "a": line.amount})
            return redirect(f"{_funds_url()}?code={line.region.code}&year={line.year}")
    return render(request, "funding/form.html", {"form": form, "title": _("设定预算")})


def _funds_url() -> str:
    return reverse("funding:funds")


@login_required
def allocation_create(request: HttpRequest) -> HttpResponse:
    admin_scope(request)
    year = year_of(request)
    lines = [
        (line, budget_holds(line))
        for line in lines_in_scope(request.user, year).exclude(region__level=Level.COMMUNITY)
    ]
    targets = regions_in_scope(request.user, Level.SUBDISTRICT, Level.COMMUNITY)
    form = AllocationForm(request.POST or None, lines=lines, targets=targets)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        source = next(line for line, _held in lines if str(line.pk) == data["source"])
        try:
            allocation = services.allocation_make(
                actor=request.user,
                source=source,
                target_region=targets.get(code=data["target"]),
                amount=data["amount"],
                note=data["note"],
                request=request,
            )
        except FundingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("已下拨 %(a)s 元给%(r)s") % {"a": allocation.amount, "r": allocation.target.region.name},
            )
            return redirect(f"{_funds_url()}?code={source.region.code}&year={year}")
    return render(
        request,
        "funding/form.html",
        {"form": form, "title": _("下拨经费"), "lead": _("经费只能下拨给直属的下一级：区→街道→社区。")},
    )


@login_required
def expense_list(request: HttpRequest) -> HttpResponse:
    admin_scope(request)
    year = year_of(request)
    rows = expense_list_for(request.user, year=year)
    sheet = None
    if (wanted := request.GET.get("pay_sheet", "")).isdigit():
        sheet = pay_sheet_list_for(request.user).filter(pk=wanted).first()
        rows = rows.filter(pay_sheet=sheet) if sheet else rows.none()  # another's sheet: nothing
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    return render(request, "funding/expenses.html", {"page": page, "year": year, "sheet": sheet})


@login_required
def expense_create(request: HttpRequest) -> HttpResponse:
    admin_scope(request)
    year = year_of(request)
    lines = [(line, budget_holds(line)) for line in lines_in_scope(request.user, year)]
    user = request.user
    activities = scoped(user, Activity.objects.select_related("community"), region="community", roles=ADMINS)
    activities = activities.filter(starts_at__year=year).order_by("-starts_at")[:200]
    contracts = scoped(user, PurchasedService.objects.all(), region="buyer", roles=ADMINS)
    places = scoped(user, ServicePlace.objects.all(), region="community", roles=ADMINS).order_by("name")
    pay_sheets = pay_sheet_list_for(user).filter(year=year)
    form = ExpenseForm(
        request.POST or None,
        request.FILES or None,
        lines=lines,
        activities=activities,
        contracts=contracts,
        places=places,
        pay_sheets=pay_sheets,
        initial={"spent_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        links = {
            "activity": next((a for a in activities if str(a.pk) == data["activity"]), None),
            "contract": contracts.filter(pk=data["contract"] or None).first(),
            "place": places.filter(pk=data["place"] or None).first(),
            "pay_sheet": pay_sheets.filter(pk=data["pay_sheet"] or None).first(),
        }
        budget = next(line for line, _held in lines if str(line.pk) == data["budget"])
        try:
            services.expense_post(
                budget=budget,
                amount=data["amount"],
                paid_for_kind=data["paid_for_kind"],
                description=data["description"],
                attachment=data["attachment"],
                spent_on=data["spent_on"],
                key=f"form-{data['request_id']}",
                actor=user,
                request=request,
                **links,
            )
        except FundingError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已登记支出 %(a)s 元") % {"a": data["amount"]})
            return redirect("funding:expenses")
    return render(request, "funding/form.html", {"form": form, "title": _("登记支出"), "upload": True})


@login_required
@require_POST
def expense_reverse(request: HttpRequest, pk: int) -> HttpResponse:
    admin_scope(request)
    expense = get_scoped_or_404(
        request.user, Expense.objects.all(), region="budget__region", roles=ADMINS, pk=pk
    )
    form = ReverseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("请写明冲销原因"))
        return redirect("funding:expenses")
    ask = confirm_first(
        request,
        title=_("冲销支出"),
        message=_("冲销这笔支出？将新增一条金额为 -%(a)s 元的冲销记录，原记录保留。") % {"a": expense.amount},
        button=_("确认冲销"),
    )
    if ask is not None:
        return ask
    try:
        services.expense_reverse(
            actor=request.user, expense=expense, reason=form.cleaned_data["reason"], request=request
        )
    except FundingError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已冲销：%(d)s") % {"d": expense.description})
    return redirect("funding:expenses")


@login_required
def expense_attachment(request: HttpRequest, pk: int) -> HttpResponse:
    admin_scope(request)
    expense = get_scoped_or_404(
        request.user, Expense.objects.all(), region="budget__region", roles=ADMINS, pk=pk
    )
    if not expense.attachment:
        raise Http404
    return FileResponse(expense.attachment.open("rb"), filename=expense.attachment.name.rsplit("/", 1)[-1])

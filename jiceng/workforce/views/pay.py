"""Pay sheets: the list with the month to compute, one sheet, its approval and its .xlsx."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.core.scope import get_scoped_or_404
from jiceng.core.sheets import xlsx_response
from jiceng.workforce import exports, queries, services
from jiceng.workforce.forms import PaySheetForm
from jiceng.workforce.models import PaySheet
from jiceng.workforce.views.common import ADMINS, admin_scope, subdistricts_of


@login_required
def pay_sheet_list(request: HttpRequest) -> HttpResponse:
    _scope, regions, _district = admin_scope(request.user)
    today = timezone.localdate()
    subs = subdistricts_of(regions)
    form = PaySheetForm(
        request.POST or None,
        subdistricts=subs,
        initial={"year": today.year, "month": today.month, "subdistrict": subs.first()},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            sheet = services.pay_sheet_compute(
                actor=request.user, subdistrict=d["subdistrict"], year=d["year"], month=d["month"]
            )
        except services.WorkforceError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已计算 %(s)s 的工资表。") % {"s": sheet})
            return redirect("workforce:pay_sheet", pk=sheet.pk)
    page = Paginator(queries.pay_sheet_list_for(request.user), 30).get_page(request.GET.get("page"))
    return render(
        request, "workforce/pay_sheets.html", {"form": form, "page": page}, status=400 if form.errors else 200
    )


def _sheet(request, pk) -> PaySheet:
    return get_scoped_or_404(
        request.user,
        PaySheet.objects.select_related("subdistrict"),
        region="subdistrict",
        roles=ADMINS,
        pk=pk,
    )


@login_required
def pay_sheet_detail(request: HttpRequest, pk: int) -> HttpResponse:
    admin_scope(request.user)
    sheet = _sheet(request, pk)
    return render(
        request,
        "workforce/pay_sheet.html",
        {"sheet": sheet, "rows": queries.pay_sheet_rows(sheet), "totals": queries.pay_sheet_totals(sheet)},
    )


@login_required
@require_POST
def pay_sheet_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    admin_scope(request.user)
    sheet = _sheet(request, pk)
    try:
        services.pay_sheet_compute(
            actor=request.user, subdistrict=sheet.subdistrict, year=sheet.year, month=sheet.month
        )
    except services.WorkforceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已按最新记录重新计算。"))
    return redirect("workforce:pay_sheet", pk=sheet.pk)


@login_required
@require_POST
def pay_sheet_approve(request: HttpRequest, pk: int) -> HttpResponse:
    admin_scope(request.user)
    sheet = _sheet(request, pk)
    try:
        services.pay_sheet_approve(actor=request.user, pay_sheet=sheet)
    except services.WorkforceError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("工资表已审核，此后不能再修改。"))
    return redirect("workforce:pay_sheet", pk=sheet.pk)


@login_required
def pay_sheet_xlsx(request: HttpRequest, pk: int) -> HttpResponse:
    admin_scope(request.user)
    sheet = _sheet(request, pk)
    return xlsx_response(
        request,
        filename=f"pay-sheet-{sheet.subdistrict.code}-{sheet.year}{sheet.month:02d}",
        sheets=exports.pay_sheet_sheets(sheet),
        action="workforce.export_pay_sheet",
        target=sheet,
    )

"""Reads of pay sheets: the scoped list, a sheet's rows with totals."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet, Sum

from jiceng.core.scope import scoped
from jiceng.workforce.models import PaySheet

ADMINS = ("district_admin", "subdistrict_admin")


def pay_sheet_list_for(user) -> QuerySet:
    return scoped(
        user,
        PaySheet.objects.select_related("subdistrict", "approved_by"),
        region="subdistrict",
        roles=ADMINS,
    )


@dataclass
class SheetTotals:
    rows: int
    fixed_pay: Decimal
    allowance: Decimal
    total: Decimal


def pay_sheet_rows(sheet: PaySheet):
    return sheet.rows.select_related("community").order_by("community__code", "post", "name", "id")


def pay_sheet_totals(sheet: PaySheet) -> SheetTotals:
    agg = sheet.rows.aggregate(f=Sum("fixed_pay"), a=Sum("allowance"), t=Sum("total"))
    zero = Decimal("0.00")
    return SheetTotals(sheet.rows.count(), agg["f"] or zero, agg["a"] or zero, agg["t"] or zero)

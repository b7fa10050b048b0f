"""An approved pay sheet posts its expense from the subdistrict's 社区工作者报酬津贴 line, once."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from jiceng.funding import services
from jiceng.funding.errors import FundingError
from jiceng.funding.models import BudgetKind, Expense, PaidFor
from jiceng.funding.queries.funds import budget_holds, region_figures
from jiceng.funding.tests.factories import funded
from jiceng.workforce import services as workforce
from jiceng.workforce.models import PaySheet
from jiceng.workforce.signals import pay_sheet_approved
from jiceng.workforce.tests.factories import hire

pytestmark = pytest.mark.django_db


@pytest.fixture
def sheet(regions, personas):
    admin = personas["sub_admin"]
    hire(regions["A1"], admin, name="甲", hired_on=dt.date(2020, 1, 1))
    hire(regions["A2"], admin, name="乙", post="head", hired_on=dt.date(2021, 1, 1))
    return workforce.pay_sheet_compute(actor=admin, subdistrict=regions["A"], year=2026, month=3)


def _pay_line(regions, personas, amount):
    return funded(
        regions, personas["district_admin"], kind=BudgetKind.WORKER_PAY, district=10**6, sub=amount
    )[1]


def test_approving_posts_one_expense_of_the_total_and_the_figures_count_it(regions, personas, sheet):
    line = _pay_line(regions, personas, 20_000)
    workforce.pay_sheet_approve(actor=personas["sub_admin"], pay_sheet=sheet)
    expense = Expense.objects.get()
    assert expense.amount == sheet.total > 0
    assert (expense.budget, expense.pay_sheet, expense.paid_for_kind) == (line, sheet, PaidFor.PAY_SHEET)
    assert expense.key == f"pay-sheet-{sheet.pk}" and expense.created_by == personas["sub_admin"]
    assert budget_holds(line) == Decimal("20000.00") - sheet.total
    with pytest.raises(workforce.WorkforceError, match="已经审核过"):
        workforce.pay_sheet_approve(actor=personas["sub_admin"], pay_sheet=sheet)
    pay_sheet_approved.send(sender=PaySheet, pay_sheet=PaySheet.objects.get(pk=sheet.pk))  # a retry
    assert Expense.objects.count() == 1
    [a] = region_figures([regions["A"]], year=2026)
    assert a.spent == sheet.total


def test_without_a_worker_pay_line_the_approval_is_refused_and_the_sheet_stays_a_draft(
    regions, personas, sheet
):
    funded(regions, personas["district_admin"], kind=BudgetKind.SERVICE, district=10**6, sub=10**5)
    with pytest.raises(workforce.WorkforceError, match="还没有 2026 年的「社区工作者报酬津贴」经费"):
        workforce.pay_sheet_approve(actor=personas["sub_admin"], pay_sheet=sheet)
    sheet.refresh_from_db()
    assert sheet.status == "draft" and sheet.approved_at is None
    assert not Expense.objects.exists()


def test_a_line_holding_too_little_refuses_the_approval_with_the_figures(regions, personas, sheet):
    line = _pay_line(regions, personas, 1000)
    assert sheet.total > 1000
    with pytest.raises(workforce.WorkforceError, match="现有 1000.00 元，不足以支付这张工资表"):
        workforce.pay_sheet_approve(actor=personas["sub_admin"], pay_sheet=sheet)
    sheet.refresh_from_db()
    assert sheet.status == "draft"
    assert not Expense.objects.exists() and budget_holds(line) == Decimal("1000.00")
    services.allocation_make(
        actor=personas["district_admin"],
        source=line.allocations_in.get().source,
        target_region=regions["A"],
        amount=sheet.total,
    )
    workforce.pay_sheet_approve(actor=personas["sub_admin"], pay_sheet=sheet)
    assert Expense.objects.get().amount == sheet.total


def test_the_pages_show_the_refusal_and_link_the_sheet_and_its_expense(client, regions, personas, sheet):
    client.force_login(personas["sub_admin"])
    approve = reverse("workforce:pay_sheet_approve", args=[sheet.pk])
    page = client.post(approve, follow=True)
    assert page.status_code == 200
    text = page.content.decode()
    assert "还没有 2026 年的「社区工作者报酬津贴」经费" in text and "再审核工资表" in text
    assert PaySheet.objects.get(pk=sheet.pk).status == "draft"
    _pay_line(regions, personas, 50_000)
    text = client.post(approve, follow=True).content.decode()
    expense = Expense.objects.get()
    expenses_url = reverse("funding:expenses") + f"?year=2026&amp;pay_sheet={sheet.pk}"
    assert expenses_url in text and str(expense.amount) in text
    listing = client.get(reverse("funding:expenses"), {"year": 2026, "pay_sheet": sheet.pk}).content.decode()
    assert reverse("workforce:pay_sheet", args=[sheet.pk]) in listing and "工资表列支" in listing
    assert expense.description in listing
    with pytest.raises(FundingError, match="不能冲销"):
        services.expense_reverse(actor=personas["sub_admin"], expense=expense, reason="录错")


def test_another_subdistrict_s_administrator_sees_neither_the_sheet_nor_its_expense(
    client, regions, personas, sheet
):
    _pay_line(regions, personas, 50_000)
    workforce.pay_sheet_approve(actor=personas["sub_admin"], pay_sheet=sheet)
    expense = Expense.objects.get()
    client.force_login(personas["outsider_sub_admin"])
    assert client.get(reverse("workforce:pay_sheet", args=[sheet.pk])).status_code == 404
    listing = client.get(reverse("funding:expenses"), {"year": 2026, "pay_sheet": sheet.pk})
    assert listing.status_code == 200
    assert expense.description not in listing.content.decode()

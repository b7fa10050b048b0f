"""Budgets, allocations down the levels, expenses and their reversal."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from jiceng.core.validators import USCC_CHARS, uscc_check_char, validate_uscc
from jiceng.funding import services
from jiceng.funding.errors import FundingError
from jiceng.funding.models import Allocation, Expense, PaidFor
from jiceng.funding.queries.funds import budget_holds, funds_overview
from jiceng.funding.tests.factories import funded

pytestmark = pytest.mark.django_db


def test_an_allocation_above_what_the_level_holds_is_refused(regions, personas):
    admin = personas["district_admin"]
    top, _ = funded(regions, admin, district=1000)
    services.allocation_make(actor=admin, source=top, target_region=regions["A"], amount=600)
    with pytest.raises(FundingError, match="现有 400.00 元，不能下拨 500"):
        services.allocation_make(actor=admin, source=top, target_region=regions["B"], amount=500)
    assert Allocation.objects.count() == 1
    assert budget_holds(top) == Decimal("400.00")


def test_a_subdistrict_passes_on_only_what_it_received_and_only_to_its_own_communities(regions, personas):
    admin = personas["district_admin"]
    _top, sub = funded(regions, admin, district=1000, sub=300)
    services.allocation_make(actor=admin, source=sub, target_region=regions["A1"], amount=200)
    with pytest.raises(FundingError, match="不能下拨"):
        services.allocation_make(actor=admin, source=sub, target_region=regions["A2"], amount=101)
    with pytest.raises(FundingError, match="直属的下一级"):
        services.allocation_make(actor=admin, source=sub, target_region=regions["B1"], amount=1)


def test_money_refuses_fractions_of_a_cent_and_nonsense(regions, personas):
    for bad, msg in (("12.345", "两位小数"), ("-5", "大于 0"), ("abc", "数字"), ("0", "大于 0")):
        with pytest.raises(FundingError, match=msg):
            services.money(bad)


def test_an_expense_is_posted_once_per_key_and_reversed_by_a_row_pointing_to_it(regions, personas):
    admin = personas["district_admin"]
    top, _ = funded(regions, admin, district=1000)
    kw = dict(
        budget=top, amount="250.50", paid_for_kind=PaidFor.OTHER, description="党建读本印制", actor=admin
    )
    first = services.expense_post(key="print-1", **kw)
    again = services.expense_post(key="print-1", **kw)
    assert again.pk == first.pk and Expense.objects.count() == 1
    assert budget_holds(top) == Decimal("749.50")
    reversal = services.expense_reverse(actor=admin, expense=first, reason="重复报销")
    assert reversal.reverses_id == first.pk and reversal.amount == Decimal("-250.50")
    first.refresh_from_db()
    assert first.amount == Decimal("250.50")  # the original is never edited
    assert budget_holds(top) == Decimal("1000.00")
    with pytest.raises(FundingError, match="已经冲销"):
        services.expense_reverse(actor=admin, expense=first, reason="再冲一次")
    with pytest.raises(FundingError, match="不能再冲销"):
        services.expense_reverse(actor=admin, expense=reversal, reason="冲销冲销")


def test_an_expense_above_what_the_line_holds_is_refused(regions, personas):
    admin = personas["district_admin"]
    top, _ = funded(regions, admin, district=100)
    with pytest.raises(FundingError, match="不足以支出"):
        services.expense_post(
            budget=top, amount=101, paid_for_kind=PaidFor.OTHER, description="x", key="k", actor=admin
        )


def test_an_expense_names_what_it_paid_for(regions, personas):
    from jiceng.workforce.services import pay_sheet_compute
    from jiceng.workforce.tests.factories import hire

    admin = personas["district_admin"]
    top, _ = funded(regions, admin, district=100)
    with pytest.raises(FundingError, match="对应的工资表"):
        services.expense_post(
            budget=top, amount=1, paid_for_kind=PaidFor.PAY_SHEET, description="x", key="k", actor=admin
        )
    hire(regions["A1"], admin)
    sheet = pay_sheet_compute(actor=admin, subdistrict=regions["A"], year=2026, month=11)
    paid = services.expense_post(
        budget=top,
        amount=1,
        paid_for_kind=PaidFor.PAY_SHEET,
        pay_sheet=sheet,
        description="11 月绩效",
        key="k",
        actor=admin,
    )
    assert paid.pay_sheet == sheet and list(sheet.expenses.all()) == [paid]
    reversal = services.expense_reverse(actor=admin, expense=paid, reason="录错")
    assert reversal.pay_sheet_id == sheet.pk


def test_the_figures_are_summed_from_allocations_and_expenses(regions, personas):
    admin = personas["district_admin"]
    top, sub = funded(regions, admin, district=1000, sub=400)
    a1 = services.allocation_make(actor=admin, source=sub, target_region=regions["A1"], amount=100).target
    services.expense_post(
        budget=a1, amount=60, paid_for_kind=PaidFor.OTHER, description="x", key="a", actor=admin
    )
    services.expense_post(
        budget=sub, amount=40, paid_for_kind=PaidFor.OTHER, description="y", key="b", actor=admin
    )
    whole, children = funds_overview(regions["district"], year=2026)
    assert (whole.budget, whole.allocated, whole.spent) == (Decimal(1000), Decimal(400), Decimal(100))
    assert whole.execution_rate == Decimal("10.0")
    assert whole.service_share == Decimal("100.0")
    a = next(c for c in children if c.region == regions["A"])
    assert (a.budget, a.allocated, a.spent) == (Decimal(400), Decimal(100), Decimal(100))
    assert a.residents == 1 and a.per_resident == Decimal("100.00")  # 李建国 of A1
    b = next(c for c in children if c.region == regions["B"])
    assert (b.budget, b.spent, b.execution_rate) == (Decimal(0), Decimal(0), None)


@settings(max_examples=30, deadline=None)
@given(st.text(alphabet=USCC_CHARS, min_size=17, max_size=17), st.sampled_from(USCC_CHARS))
def test_the_credit_code_check_digit_is_checked(first17, last):
    code = first17 + last
    if uscc_check_char(first17) == last:
        assert validate_uscc(code) == code
    else:
        with pytest.raises(ValidationError, match="校验位"):
            validate_uscc(code)


def test_a_known_credit_code_passes_and_a_changed_digit_fails():
    assert validate_uscc("91350100M000100Y43") == "91350100M000100Y43"
    with pytest.raises(ValidationError, match="校验位"):
        validate_uscc("91350100M000100Y44")

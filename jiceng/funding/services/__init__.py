"""Every write of funding: `funds.py` (budgets, allocations, expenses), `contracts.py` (purchased
services), `pay_sheets.py` (the expense of an approved pay sheet)."""

from jiceng.funding.services.contracts import contract_accept, contract_create, milestone_add, milestone_pay
from jiceng.funding.services.funds import (
    allocation_make,
    budget_line,
    budget_set,
    expense_post,
    expense_reverse,
    money,
)
from jiceng.funding.services.pay_sheets import pay_sheet_expense_post, pay_sheet_key

__all__ = [
    "allocation_make",
    "budget_line",
    "budget_set",
    "contract_accept",
    "contract_create",
    "expense_post",
    "expense_reverse",
    "milestone_add",
    "milestone_pay",
    "money",
    "pay_sheet_expense_post",
    "pay_sheet_key",
]

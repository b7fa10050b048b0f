"""Funding: budgets, allocations and expenses (`funds.py`); purchased services (`contracts.py`)."""

from jiceng.funding.models.contracts import ContractStatus, Milestone, ProcurementMethod, PurchasedService
from jiceng.funding.models.funds import MONEY, Allocation, Budget, BudgetKind, Expense, PaidFor

__all__ = [
    "MONEY",
    "Allocation",
    "Budget",
    "BudgetKind",
    "ContractStatus",
    "Expense",
    "Milestone",
    "PaidFor",
    "ProcurementMethod",
    "PurchasedService",
]

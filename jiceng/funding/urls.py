from django.urls import path

from jiceng.funding.views import contracts, funds

app_name = "funding"
urlpatterns = [
    path("", funds.funds, name="funds"),
    path("export/", funds.funds_export, name="funds_export"),
    path("budgets/new/", funds.budget_set, name="budget_set"),
    path("allocations/new/", funds.allocation_create, name="allocation_create"),
    path("expenses/", funds.expense_list, name="expenses"),
    path("expenses/new/", funds.expense_create, name="expense_create"),
    path("expenses/<int:pk>/reverse/", funds.expense_reverse, name="expense_reverse"),
    path("expenses/<int:pk>/attachment/", funds.expense_attachment, name="expense_attachment"),
    path("contracts/", contracts.contract_list, name="contracts"),
    path("contracts/new/", contracts.contract_create, name="contract_create"),
    path("contracts/<int:pk>/", contracts.contract_detail, name="contract"),
    path("contracts/<int:pk>/accept/", contracts.contract_accept, name="contract_accept"),
    path("contracts/<int:pk>/milestones/", contracts.milestone_add, name="milestone_add"),
    path("milestones/<int:pk>/pay/", contracts.milestone_pay, name="milestone_pay"),
    path("target/", contracts.target, name="target"),
]

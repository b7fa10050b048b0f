"""Writes of purchased services: the contract, its payment milestones, paying one, acceptance."""

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core.audit import audit, snapshot
from jiceng.funding.errors import FundingError
from jiceng.funding.models import (
    Budget,
    ContractStatus,
    Milestone,
    PaidFor,
    ProcurementMethod,
    PurchasedService,
)
from jiceng.funding.queries.contracts import contract_progress
from jiceng.funding.services.funds import expense_post, money
from jiceng.orgs.models import Kind, Organization
from jiceng.regions.models import Level, Region


@transaction.atomic
def contract_create(
    *,
    actor,
    buyer: Region,
    provider: Organization,
    budget: Budget,
    title: str,
    amount,
    starts_on: dt.date,
    ends_on: dt.date,
    method: str,
    target_people: int,
    target_sessions: int,
    target_needs: int,
    request=None,
) -> PurchasedService:
    """Register a purchase of a social organisation's service by a subdistrict or a community."""
    amount = money(amount)
    if buyer.level not in (Level.SUBDISTRICT, Level.COMMUNITY):
        raise FundingError(_("购买方应为街道或社区"))
    if provider.kind != Kind.SOCIAL or provider.district.code != buyer.district_code:
        raise FundingError(_("承接方应为本区登记的社会组织"))
    if not title.strip():
        raise FundingError(_("请填写项目名称"))
    if ends_on < starts_on:
        raise FundingError(_("服务结束日期不能早于开始日期"))
    if method not in ProcurementMethod.values:
        raise FundingError(_("请选择采购方式"))
    if min(target_people, target_sessions, target_needs) < 0:
        raise FundingError(_("目标数不能为负数"))
    if not (budget.region.contains(buyer) or buyer.contains(budget.region)):
        raise FundingError(_("支付经费应为购买方本级或上级的经费"))
    contract = PurchasedService.objects.create(
        district=provider.district,
        buyer=buyer,
        provider=provider,
        budget=budget,
        title=title.strip(),
        amount=amount,
        starts_on=starts_on,
        ends_on=ends_on,
        method=method,
        target_people=target_people,
        target_sessions=target_sessions,
        target_needs=target_needs,
        created_by=actor,
    )
    audit(actor, "contract.create", contract, after=snapshot(contract), request=request)
    return contract


@transaction.atomic
def milestone_add(*, actor, contract: PurchasedService, title: str, amount, due_on: dt.date, request=None):
    """Add a payment step; the steps together never exceed the contract amount."""
    contract = PurchasedService.objects.select_for_update().get(pk=contract.pk)
    amount = money(amount)
    if not title.strip():
        raise FundingError(_("请填写付款节点名称，例如“首期款”"))
    planned = contract.milestones.aggregate(s=Sum("amount"))["s"] or Decimal(0)
    if planned + amount > contract.amount:
        raise FundingError(
            _("付款节点合计不能超过合同金额 %(c)s 元（已安排 %(p)s 元）")
            % {"c": contract.amount, "p": planned}
        )
    step = Milestone.objects.create(contract=contract, title=title.strip(), amount=amount, due_on=due_on)
    audit(actor, "milestone.add", step, after=snapshot(step), request=request)
    return step


@transaction.atomic
def milestone_pay(*, actor, milestone: Milestone, request=None) -> Milestone:
    """Pay a step: its expense is posted on the contract's budget line, once (key `milestone-<id>`)."""
    step = Milestone.objects.select_for_update().select_related("contract__budget").get(pk=milestone.pk)
    if step.paid_at is not None:
        return step
    expense = expense_post(
        budget=step.contract.budget,
        amount=step.amount,
        paid_for_kind=PaidFor.CONTRACT,
        contract=step.contract,
        description=_("%(c)s · %(m)s") % {"c": step.contract.title, "m": step.title},
        key=f"milestone-{step.pk}",
        actor=actor,
    )
    step.paid_at = timezone.now()
    step.expense = expense
    step.save(update_fields=["paid_at", "expense"])
    audit(actor, "milestone.pay", step, after=snapshot(step), request=request)
    return step


@transaction.atomic
def contract_accept(*, actor, contract: PurchasedService, rating: int, note: str, request=None):
    """Acceptance (验收): freeze the computed figures of today, with the buyer's rating and note."""
    contract = PurchasedService.objects.select_for_update().get(pk=contract.pk)
    if contract.status == ContractStatus.ACCEPTED:
        raise FundingError(_("这份合同已经验收过了"))
    if not 1 <= rating <= 5:
        raise FundingError(_("验收评价应为 1 到 5 分"))
    if not note.strip():
        raise FundingError(_("请填写验收意见"))
    before = snapshot(contract)
    progress = contract_progress(contract)
    contract.final_people = progress.people
    contract.final_sessions = progress.sessions
    contract.final_needs = progress.needs
    contract.final_needs_rating = progress.needs_rating
    contract.rating = rating
    contract.acceptance_note = note.strip()
    contract.status = ContractStatus.ACCEPTED
    contract.accepted_at = timezone.now()
    contract.accepted_by = actor
    contract.save()
    audit(actor, "contract.accept", contract, before=before, after=snapshot(contract), request=request)
    return contract

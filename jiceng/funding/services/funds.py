"""Writes of funds: budget lines, allocations down one level, expenses and their reversal.

Every write that takes money out of a line (an allocation, an expense) locks that line's row
first and reads what it holds under the lock, so two requests cannot both spend the same yuan.
"""

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core.audit import audit, snapshot
from jiceng.funding.errors import FundingError
from jiceng.funding.models import Allocation, Budget, BudgetKind, Expense, PaidFor
from jiceng.funding.queries.funds import budget_holds
from jiceng.regions.models import CHILD_LEVEL, Level, Region

CENT = Decimal("0.01")
LEVELS = (Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY)


def money(value) -> Decimal:
    """A positive amount of yuan with at most two decimals, or a FundingError."""
    try:
        amount = Decimal(str(value))
    except ArithmeticError:
        raise FundingError(_("金额应为数字（元），例如 12000 或 12000.50")) from None
    if not amount.is_finite() or amount != amount.quantize(CENT):
        raise FundingError(_("金额最多保留两位小数（分）"))
    if amount <= 0:
        raise FundingError(_("金额应大于 0"))
    if amount >= Decimal("1e12"):
        raise FundingError(_("金额过大，请核对"))
    return amount


def _district_of(region: Region) -> Region:
    return Region.objects.get(code=region.district_code)


@transaction.atomic
def budget_set(*, actor, region: Region, year: int, kind: str, amount, request=None) -> Budget:
    """Set a region's own appropriation for one kind and year (the line is made if absent)."""
    if region.level not in LEVELS:
        raise FundingError(_("预算只设在区、街道和社区三级"))
    if kind not in BudgetKind.values:
        raise FundingError(_("请选择经费类别"))
    amount = Decimal(0) if Decimal(str(amount)) == 0 else money(amount)
    line, _made = Budget.objects.get_or_create(
        region=region, year=year, kind=kind, defaults={"district": _district_of(region)}
    )
    line = Budget.objects.select_for_update().get(pk=line.pk)
    before = snapshot(line)
    held = budget_holds(line)
    if held - line.amount + amount < 0:
        raise FundingError(
            _("本级预算不能减到 %(a)s 元：已下拨和已支出合计超出 %(h)s 元")
            % {"a": amount, "h": line.amount - held}
        )
    line.amount = amount
    line.save(update_fields=["amount"])
    audit(actor, "budget.set", line, before=before, after=snapshot(line), request=request)
    return line


def budget_line(region: Region, year: int, kind: str) -> Budget:
    """The region's line of that kind and year, made (with no own appropriation) if absent."""
    line, _made = Budget.objects.get_or_create(
        region=region, year=year, kind=kind, defaults={"district": _district_of(region)}
    )
    return line


@transaction.atomic
def allocation_make(*, actor, source: Budget, target_region: Region, amount, note: str = "", request=None):
    """Pass money from `source` to the same line of a region directly below it.

    Refused when the source does not hold that much; the source row is locked while it is
    checked and the allocation written, so racing requests cannot over-allocate.
    """
    amount = money(amount)
    source = Budget.objects.select_for_update().select_related("region").get(pk=source.pk)
    if (
        target_region.parent_id != source.region_id
        or CHILD_LEVEL.get(source.region.level) != target_region.level
    ):
        raise FundingError(_("经费只能下拨给直属的下一级（区→街道→社区）"))
    held = budget_holds(source)
    if amount > held:
        raise FundingError(
            _("%(r)s的%(k)s现有 %(h)s 元，不能下拨 %(a)s 元")
            % {"r": source.region.name, "k": source.get_kind_display(), "h": held, "a": amount}
        )
    target = budget_line(target_region, source.year, source.kind)
    allocation = Allocation.objects.create(
        district=source.district,
        source=source,
        target=target,
        amount=amount,
        note=note.strip(),
        created_by=actor,
    )
    audit(actor, "allocation.make", target, after=snapshot(allocation), request=request)
    return allocation


def _paid_for_fields(paid_for_kind: str, activity, contract, place, pay_sheet) -> dict:
    links = {
        PaidFor.ACTIVITY: activity,
        PaidFor.CONTRACT: contract,
        PaidFor.PLACE: place,
        PaidFor.PAY_SHEET: pay_sheet,
        PaidFor.OTHER: True,
    }
    if paid_for_kind not in links:
        raise FundingError(_("请选择这笔支出用于什么（活动、购买服务合同、工资表、服务阵地或其他）"))
    if not links[paid_for_kind]:
        raise FundingError(_("请写明这笔支出对应的%(k)s") % {"k": PaidFor(paid_for_kind).label})
    return {
        "paid_for_kind": paid_for_kind,
        "activity": activity if paid_for_kind == PaidFor.ACTIVITY else None,
        "contract": contract if paid_for_kind == PaidFor.CONTRACT else None,
        "place": place if paid_for_kind == PaidFor.PLACE else None,
        "pay_sheet": pay_sheet if paid_for_kind == PaidFor.PAY_SHEET else None,
    }


@transaction.atomic
def expense_post(
    *,
    budget: Budget,
    amount,
    paid_for_kind: str,
    description: str,
    key: str,
    activity=None,
    contract=None,
    place=None,
    pay_sheet=None,
    attachment=None,
    spent_on: dt.date | None = None,
    actor=None,
    request=None,
) -> Expense:
    """Pay `amount` out of `budget`, once per `key`: a second call with the same key returns the first row.

    Generic on purpose: a contract milestone and an approved month's pay sheet
    (`funding.receivers`, key `pay-sheet-<id>`) post through it.
    """
    amount = money(amount)
    if not description.strip():
        raise FundingError(_("请写明支出用途"))
    if not key:
        raise FundingError(_("支出缺少唯一标识"))
    budget = Budget.objects.select_for_update().select_related("region").get(pk=budget.pk)
    existing = Expense.objects.filter(district=budget.district, key=key).first()
    if existing is not None:
        return existing
    links = _paid_for_fields(paid_for_kind, activity, contract, place, pay_sheet)
    for obj in (activity, place):
        if obj is not None and not budget.region.contains(obj.community):
            raise FundingError(_("只能为本级及下级的活动、阵地列支"))
    if (
        contract is not None
        and not budget.region.contains(contract.buyer)
        and not contract.buyer.contains(budget.region)
    ):
        raise FundingError(_("合同的购买方不在这笔经费的范围内"))
    if pay_sheet is not None and not budget.region.contains(pay_sheet.subdistrict):
        raise FundingError(_("只能为本级及下级街道的工资表列支"))
    held = budget_holds(budget)
    if amount > held:
        raise FundingError(
            _("%(r)s的%(k)s现有 %(h)s 元，不足以支出 %(a)s 元")
            % {"r": budget.region.name, "k": budget.get_kind_display(), "h": held, "a": amount}
        )
    try:
        with transaction.atomic():
            expense = Expense.objects.create(
                district=budget.district,
                budget=budget,
                amount=amount,
                spent_on=spent_on or timezone.localdate(),
                description=description.strip(),
                key=key,
                attachment=attachment or "",
                created_by=actor if getattr(actor, "is_authenticated", False) else None,
                **links,
            )
    except IntegrityError:
        return Expense.objects.get(district=budget.district, key=key)
    audit(actor, "expense.post", expense, after=snapshot(expense), request=request)
    return expense


@transaction.atomic
def expense_reverse(*, actor, expense: Expense, reason: str, request=None) -> Expense:
    """Correct an expense by a reversing row that points to it; the original stays as it was."""
    if not reason.strip():
        raise FundingError(_("请写明冲销原因"))
    Budget.objects.select_for_update().get(pk=expense.budget_id)
    original = Expense.objects.get(pk=expense.pk)
    if original.reverses_id is not None:
        raise FundingError(_("冲销记录本身不能再冲销"))
    if Expense.objects.filter(reverses=original).exists():
        raise FundingError(_("这笔支出已经冲销过了"))
    if hasattr(original, "milestone"):
        raise FundingError(_("合同付款节点的支出不能冲销，请在合同中处理"))
    if original.key.startswith("pay-sheet-"):
        raise FundingError(_("工资表审核时自动列支的支出不能冲销：工资表审核后已冻结"))
    reversal = Expense.objects.create(
        district=original.district,
        budget_id=original.budget_id,
        amount=-original.amount,
        spent_on=timezone.localdate(),
        description=(_("冲销：%(d)s（%(r)s）") % {"d": original.description, "r": reason.strip()})[:200],
        paid_for_kind=original.paid_for_kind,
        activity_id=original.activity_id,
        contract_id=original.contract_id,
        place_id=original.place_id,
        pay_sheet_id=original.pay_sheet_id,
        key=f"reverse-{original.pk}",
        reverses=original,
        created_by=actor,
    )
    audit(actor, "expense.reverse", original, after=snapshot(reversal), request=request)
    return reversal

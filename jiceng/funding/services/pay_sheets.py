"""An approved pay sheet pays out of its subdistrict's 社区工作者报酬津贴 line of that year.

`pay_sheet_expense_post` is connected to `workforce.signals.pay_sheet_approved` in
`FundingConfig.ready`; the signal is sent inside the approval's transaction, so a refusal here
(raised as the career system's own `WorkforceError`, which its pages show) undoes the approval
and the sheet stays a draft.
"""

from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from jiceng.funding.errors import FundingError
from jiceng.funding.models import Budget, BudgetKind, Expense, PaidFor
from jiceng.funding.queries.funds import budget_holds
from jiceng.funding.services.funds import expense_post
from jiceng.workforce.errors import WorkforceError


def pay_sheet_key(pay_sheet) -> str:
    return f"pay-sheet-{pay_sheet.pk}"


@transaction.atomic
def pay_sheet_expense_post(*, pay_sheet, actor=None) -> Expense | None:
    """Post the sheet's total once (key `pay-sheet-<id>`); refuse with what to do when the line is short."""
    total = Decimal(pay_sheet.total)
    if total <= 0:
        return None
    sub = pay_sheet.subdistrict
    figures = {"s": sub.name, "y": pay_sheet.year, "t": total, "k": BudgetKind.WORKER_PAY.label}
    line = (
        Budget.objects.select_for_update()
        .filter(region=sub, year=pay_sheet.year, kind=BudgetKind.WORKER_PAY)
        .first()
    )
    if line is None:
        raise WorkforceError(
            _(
                "%(s)s还没有 %(y)s 年的「%(k)s」经费，这张工资表的 %(t)s 元无处列支，未能审核。"
                "请区委组织部在「经费保障」中为该街道下拨或设定这项预算后，再审核工资表。"
            )
            % figures
        )
    key = pay_sheet_key(pay_sheet)
    done = Expense.objects.filter(district=line.district, key=key).first()
    if done is not None:
        return done
    held = budget_holds(line)
    if held < total:
        raise WorkforceError(
            _(
                "%(s)s %(y)s 年的「%(k)s」现有 %(h)s 元，不足以支付这张工资表的 %(t)s 元，未能审核。"
                "请先追加该街道的预算或请区里下拨经费，再审核工资表。"
            )
            % {**figures, "h": held}
        )
    try:
        return expense_post(
            budget=line,
            amount=total,
            paid_for_kind=PaidFor.PAY_SHEET,
            pay_sheet=pay_sheet,
            description=_("%(s)s %(y)s 年 %(m)s 月社区工作者报酬")
            % {"s": sub.name, "y": pay_sheet.year, "m": pay_sheet.month},
            key=key,
            actor=actor,
        )
    except FundingError as exc:
        raise WorkforceError(_("工资表未能审核：%(e)s") % {"e": exc}) from exc


def on_pay_sheet_approved(sender, pay_sheet, **kwargs) -> None:
    """Receiver of `workforce.signals.pay_sheet_approved`."""
    pay_sheet_expense_post(pay_sheet=pay_sheet, actor=pay_sheet.approved_by)

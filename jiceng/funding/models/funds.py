"""Budget lines, allocations down the levels, and expenses (append-only, corrected by reversal).

Money is `Decimal` yuan. This is not the points ledger: nothing here touches `bank/ledger.py`.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MONEY = {"max_digits": 14, "decimal_places": 2}


class BudgetKind(models.TextChoices):
    PARTY_WORK = "party_work", _("党建工作经费")
    OPERATIONS = "operations", _("工作运转经费")
    SERVICE = "service", _("服务群众专项经费")
    WORKER_PAY = "worker_pay", _("社区工作者报酬津贴")


class Budget(models.Model):
    """One kind of funds of one region in one year. `amount` is the region's own appropriation;
    what it holds also counts allocations in and out and what it spent (queries/funds.py)."""

    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="budgets", verbose_name=_("区划")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("经费类别"), max_length=12, choices=BudgetKind.choices)
    amount = models.DecimalField(_("本级预算（元）"), default=0, **MONEY)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["region__code", "year", "kind"]
        verbose_name = _("预算")
        verbose_name_plural = _("预算")
        constraints = [
            models.UniqueConstraint(fields=["region", "year", "kind"], name="budget_one_per_kind"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_amount_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.region.name} {self.year} {self.get_kind_display()}"


class Allocation(models.Model):
    """Money passed from a budget line to the same line of a region one level down."""

    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    source = models.ForeignKey(
        Budget, on_delete=models.PROTECT, related_name="allocations_out", verbose_name=_("拨出")
    )
    target = models.ForeignKey(
        Budget, on_delete=models.PROTECT, related_name="allocations_in", verbose_name=_("拨入")
    )
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("下拨时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("下拨")
        verbose_name_plural = _("下拨")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="allocation_positive")]

    def __str__(self) -> str:
        return f"{self.source} → {self.target.region.name} {self.amount}"


class PaidFor(models.TextChoices):
    ACTIVITY = "activity", _("活动")
    CONTRACT = "contract", _("购买服务合同")
    PAY_SHEET = "pay_sheet", _("工资表")
    PLACE = "place", _("服务阵地")
    OTHER = "other", _("其他")


class Expense(models.Model):
    """A payment out of a budget line. Never edited: a mistake gets a reversing row
    (negative amount, `reverses` pointing to the original)."""

    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    budget = models.ForeignKey(
        Budget, on_delete=models.PROTECT, related_name="expenses", verbose_name=_("经费")
    )
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    spent_on = models.DateField(_("支出日期"))
    description = models.CharField(_("用途"), max_length=200)
    paid_for_kind = models.CharField(_("支出对象"), max_length=10, choices=PaidFor.choices)
    activity = models.ForeignKey(
        "activities.Activity", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    contract = models.ForeignKey(
        "funding.PurchasedService", on_delete=models.PROTECT, null=True, blank=True, related_name="expenses"
    )
    place = models.ForeignKey(
        "circle.ServicePlace", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    pay_sheet = models.ForeignKey(
        "workforce.PaySheet",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="expenses",
        verbose_name=_("工资表"),
    )
    attachment = models.FileField(_("凭证"), upload_to="funding/expenses/%Y/%m/", blank=True)
    key = models.CharField(max_length=80)
    reverses = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by"
    )
    created_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-spent_on", "-id"]
        verbose_name = _("支出")
        verbose_name_plural = _("支出")
        constraints = [
            models.UniqueConstraint(fields=["district", "key"], name="expense_key_unique"),
            models.CheckConstraint(
                condition=Q(reverses__isnull=True, amount__gt=0) | Q(reverses__isnull=False, amount__lt=0),
                name="expense_sign_matches_reversal",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} {self.amount}"

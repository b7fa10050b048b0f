"""Purchased services (政府购买服务): a subdistrict or community buys a social organisation's service.

Progress is never stored while a contract runs; it is computed from activities and needs
(queries/contracts.py). Acceptance (验收) freezes the figures of that day on the row.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiceng.funding.models.funds import MONEY


class ProcurementMethod(models.TextChoices):
    OPEN_TENDER = "open_tender", _("公开招标")
    CONSULTATION = "consultation", _("竞争性磋商")
    NEGOTIATION = "negotiation", _("竞争性谈判")
    INQUIRY = "inquiry", _("询价")
    SINGLE_SOURCE = "single_source", _("单一来源")
    COMMISSION = "commission", _("委托")


class ContractStatus(models.TextChoices):
    ACTIVE = "active", _("履约中")
    ACCEPTED = "accepted", _("已验收")


class PurchasedService(models.Model):
    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    buyer = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="purchased_services",
        verbose_name=_("购买方"),
    )
    provider = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="purchased_services",
        verbose_name=_("承接社会组织"),
    )
    budget = models.ForeignKey(
        "funding.Budget", on_delete=models.PROTECT, related_name="contracts", verbose_name=_("支付经费")
    )
    title = models.CharField(_("项目名称"), max_length=200)
    amount = models.DecimalField(_("合同金额（元）"), **MONEY)
    starts_on = models.DateField(_("服务开始"))
    ends_on = models.DateField(_("服务结束"))
    method = models.CharField(_("采购方式"), max_length=16, choices=ProcurementMethod.choices)
    target_people = models.PositiveIntegerField(_("服务人数目标"))
    target_sessions = models.PositiveIntegerField(_("活动场次目标"))
    target_needs = models.PositiveIntegerField(_("解决需求目标"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ContractStatus.choices, default=ContractStatus.ACTIVE
    )
    accepted_at = models.DateTimeField(_("验收时间"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    final_people = models.PositiveIntegerField(_("验收时服务人数"), null=True, blank=True)
    final_sessions = models.PositiveIntegerField(_("验收时活动场次"), null=True, blank=True)
    final_needs = models.PositiveIntegerField(_("验收时解决需求"), null=True, blank=True)
    final_needs_rating = models.DecimalField(
        _("验收时居民评价均分"), max_digits=3, decimal_places=2, null=True, blank=True
    )
    rating = models.PositiveSmallIntegerField(_("验收评价（1–5）"), null=True, blank=True)
    acceptance_note = models.TextField(_("验收意见"), blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("购买服务合同")
        verbose_name_plural = _("购买服务合同")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="contract_amount_positive"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="contract_period"),
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="contract_rating_1_5"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class Milestone(models.Model):
    """A payment step of a contract; paying it posts an expense (key `milestone-<id>`)."""

    contract = models.ForeignKey(PurchasedService, on_delete=models.PROTECT, related_name="milestones")
    title = models.CharField(_("付款节点"), max_length=100)
    amount = models.DecimalField(_("金额（元）"), **MONEY)
    due_on = models.DateField(_("计划付款日期"))
    paid_at = models.DateTimeField(_("付款时间"), null=True, blank=True)
    expense = models.OneToOneField(
        "funding.Expense", on_delete=models.PROTECT, null=True, blank=True, related_name="milestone"
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = _("付款节点")
        verbose_name_plural = _("付款节点")
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="milestone_amount_positive")]

    def __str__(self) -> str:
        return self.title

"""The Moral Alliance: partners, the rewards they publish, and residents' redemptions."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiceng.bank.models.ledger import is_set


class PartnerState(models.TextChoices):
    APPLIED = "applied", _("待审批")
    APPROVED = "approved", _("已加入")
    REJECTED = "rejected", _("未通过")
    SUSPENDED = "suspended", _("已暂停")


class AlliancePartner(models.Model):
    district = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    subdistrict = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("所在街道")
    )
    organization = models.OneToOneField(
        "orgs.Organization", on_delete=models.PROTECT, related_name="alliance_partner", verbose_name=_("单位")
    )
    state = models.CharField(
        _("状态"), max_length=10, choices=PartnerState.choices, default=PartnerState.APPLIED
    )
    address = models.CharField(_("兑换地点"), max_length=200)
    contact_name = models.CharField(_("联系人"), max_length=50)
    contact_phone = models.CharField(_("联系电话"), max_length=20)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    applied_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    decided_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decision_reason = models.CharField(_("审批意见"), max_length=200, blank=True)
    applied_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    # Set by the assessment (through bank's own service) when the honour rate is too low;
    # cleared when the subdistrict reinstates the partner. Non-empty means it may not publish rewards.
    rewards_suspended_reason = models.CharField(_("暂停发布兑换物品的原因"), max_length=300, blank=True)
    rewards_suspended_on = models.DateField(_("暂停发布日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("道德联盟单位")
        verbose_name_plural = _("道德联盟单位")

    def __str__(self) -> str:
        return str(self.organization)


class Reward(models.Model):
    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    partner = models.ForeignKey(AlliancePartner, on_delete=models.PROTECT, related_name="rewards")
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    points_price = models.PositiveIntegerField(_("所需积分"))
    stock = models.PositiveIntegerField(_("库存"))
    per_person_limit = models.PositiveIntegerField(_("每人限兑"), default=1)
    valid_from = models.DateField(_("开始日期"))
    valid_to = models.DateField(_("结束日期"))
    place = models.CharField(_("兑换地点"), max_length=200)
    is_active = models.BooleanField(_("上架"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["points_price"]
        verbose_name = _("兑换物品")
        verbose_name_plural = _("兑换物品")
        constraints = [
            models.CheckConstraint(condition=models.Q(points_price__gt=0), name="reward_price_positive")
        ]

    def __str__(self) -> str:
        return self.name


class RedemptionState(models.TextChoices):
    PENDING = "pending", _("待领取")
    COLLECTED = "collected", _("已领取")
    CANCELLED = "cancelled", _("已取消")
    EXPIRED = "expired", _("已过期")


class Redemption(models.Model):
    # redemption_code_unique (district, code) leads with the district
    district = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False)
    reward = models.ForeignKey(Reward, on_delete=models.PROTECT, related_name="redemptions")
    partner = models.ForeignKey(AlliancePartner, on_delete=models.PROTECT, related_name="redemptions")
    # redemption_person_reward leads with the person: the resident's vouchers, and the per-person
    # limit counted in the redemption's statement, which otherwise reads every voucher of the reward
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="redemptions", db_index=False
    )
    points = models.PositiveIntegerField(_("积分"))
    code = models.CharField(_("兑换码"), max_length=12)
    state = models.CharField(
        _("状态"), max_length=10, choices=RedemptionState.choices, default=RedemptionState.PENDING
    )
    transfer = models.OneToOneField("bank.Transfer", on_delete=models.PROTECT, related_name="redemption")
    expires_at = models.DateTimeField(_("有效期至"))
    created_at = models.DateTimeField(auto_now_add=True)
    resolved_at = models.DateTimeField(null=True, blank=True)
    # Empty on most rows: indexed only where set (partial indexes below).
    collected_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    # Who cancelled a cancelled voucher, and whether it was the resident who held it: a resident's
    # own change of mind is no refusal by the partner, so it does not count against its honour rate.
    cancelled_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )
    cancelled_by_resident = models.BooleanField(_("居民自行取消"), default=False)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("兑换")
        verbose_name_plural = _("兑换")
        constraints = [models.UniqueConstraint(fields=["district", "code"], name="redemption_code_unique")]
        indexes = [
            models.Index(fields=["person", "reward"], name="redemption_person_reward"),
            models.Index(
                fields=["collected_by"], name="redemption_collected_by", condition=is_set("collected_by")
            ),
            models.Index(
                fields=["cancelled_by"], name="redemption_cancelled_by", condition=is_set("cancelled_by")
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.reward}"

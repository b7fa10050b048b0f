"""An activity: published by a community, a unit or an alliance (co-hosted), with its limits."""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OrganizerKind(models.TextChoices):
    COMMUNITY = "community", _("社区")
    UNIT = "unit", _("驻区单位")
    ALLIANCE = "alliance", _("党建联盟")
    SOCIAL = "social", _("社会组织")


class ActivityStatus(models.TextChoices):
    PUBLISHED = "published", _("已发布")
    CLOSED = "closed", _("已结束")
    CANCELLED = "cancelled", _("已取消")


def _new_secret() -> str:
    return secrets.token_hex(16)


class Activity(models.Model):
    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    community = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="activities", verbose_name=_("举办社区")
    )
    organizer_kind = models.CharField(_("主办方类型"), max_length=10, choices=OrganizerKind.choices)
    organizer_org = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("主办单位"),
    )
    alliance = models.ForeignKey(
        "alliance.Alliance",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("主办联盟"),
    )
    action = models.ForeignKey(
        "alliance.Action",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("对应联盟任务"),
    )
    title = models.CharField(_("活动名称"), max_length=200)
    description = models.TextField(_("活动内容"), blank=True)
    place = models.CharField(_("活动地点"), max_length=200)
    service_place = models.ForeignKey(
        "circle.ServicePlace",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="activities",
        verbose_name=_("服务阵地"),
    )
    starts_at = models.DateTimeField(_("开始时间"), db_index=True)
    ends_at = models.DateTimeField(_("结束时间"))
    capacity = models.PositiveIntegerField(_("人数上限"), null=True, blank=True)
    signup_required = models.BooleanField(_("需要报名"), default=False)
    status = models.CharField(
        _("状态"), max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.PUBLISHED
    )
    secret = models.CharField(max_length=32, default=_new_secret, editable=False)
    published_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("发布人")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(_("结束登记时间"), null=True, blank=True)
    claims_filed_at = models.DateTimeField(_("积分申报时间"), null=True, blank=True)
    claims_count = models.PositiveIntegerField(_("申报积分人数"), default=0)

    class Meta:
        ordering = ["-starts_at"]
        verbose_name = _("活动")
        verbose_name_plural = _("活动")
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="activity_ends_after_start"
            )
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def organizer_label(self) -> str:
        if self.organizer_kind == OrganizerKind.ALLIANCE and self.alliance_id:
            return self.alliance.name
        if self.organizer_org_id:
            return self.organizer_org.name
        return self.community.name

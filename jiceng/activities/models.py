"""Co-hosted activities, sign-up, and on-site check-in and check-out.

Check-in exists only at the site of an activity (no daily check-ins anywhere): the
organiser's screen shows a QR code that changes every 30 seconds, or the organiser
scans or types the participant's personal code.
"""

import secrets

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class OrganizerKind(models.TextChoices):
    COMMUNITY = "community", _("社区")
    UNIT = "unit", _("驻区单位")
    ALLIANCE = "alliance", _("党建联盟")


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


class SignUp(models.Model):
    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="signups")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="activity_signups", verbose_name=_("报名人")
    )
    created_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    cancelled_at = models.DateTimeField(_("取消时间"), null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("报名")
        verbose_name_plural = _("报名")
        constraints = [
            models.UniqueConstraint(
                fields=["activity", "person"],
                condition=Q(cancelled_at__isnull=True),
                name="one_signup_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.activity}"


class CheckInMethod(models.TextChoices):
    QR = "qr", _("扫现场二维码")
    CODE = "code", _("组织方扫个人码")


class CheckIn(models.Model):
    """A participant's presence at an activity; `minutes` is set at check-out."""

    activity = models.ForeignKey(Activity, on_delete=models.PROTECT, related_name="checkins")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="checkins", verbose_name=_("参加人")
    )
    checked_in_at = models.DateTimeField(_("签到时间"))
    checked_out_at = models.DateTimeField(_("签退时间"), null=True, blank=True)
    minutes = models.PositiveIntegerField(_("服务时长（分钟）"), null=True, blank=True)
    method = models.CharField(_("签到方式"), max_length=6, choices=CheckInMethod.choices)
    recorded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["checked_in_at", "id"]
        verbose_name = _("签到")
        verbose_name_plural = _("签到")
        constraints = [models.UniqueConstraint(fields=["activity", "person"], name="one_checkin_per_person")]

    def __str__(self) -> str:
        return f"{self.person} · {self.activity}"

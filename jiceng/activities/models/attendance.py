"""Who takes part: sign-up ahead, and on-site check-in and check-out.

Check-in exists only at the site of an activity (no daily check-ins anywhere): the
organiser's screen shows a QR code that changes every 30 seconds, or the organiser
scans or types the participant's personal code.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiceng.activities.models.activity import Activity


class SignUp(models.Model):
    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
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
                fields=["district", "activity", "person"],
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

    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
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
        constraints = [
            models.UniqueConstraint(fields=["district", "activity", "person"], name="one_checkin_per_person")
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.activity}"

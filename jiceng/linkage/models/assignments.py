"""Tasks issued down the levels (四级联动): one row per recipient, a tree under the issuer's own row."""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Evidence(models.TextChoices):
    FILE = "file", _("上传材料")
    NUMBER = "number", _("填报数字")
    SYMPOSIUM = "symposium", _("召开双月座谈会（系统自动识别）")
    MEETING = "meeting", _("召开联席会（系统自动识别）")
    ACTIVITY = "activity", _("举办活动（系统自动识别）")
    NEED = "need", _("解决居民需求（系统自动识别）")


# Evidence the product already records: completion is detected from the records (最多报一次).
DETECTED = frozenset({Evidence.SYMPOSIUM, Evidence.MEETING, Evidence.ACTIVITY, Evidence.NEED})
# The lowest level at which each detected kind can be told apart: alliances sit at subdistricts and
# above, activities belong to communities, needs reach a grid through the requester's household.
DETECTED_DOWN_TO = {
    Evidence.SYMPOSIUM: "subdistrict",
    Evidence.MEETING: "subdistrict",
    Evidence.ACTIVITY: "community",
    Evidence.NEED: "grid",
}


class Assignment(models.Model):
    """A task at one level. The issuer's row has no parent; each recipient's row is its child.

    A row with children is complete when all of them are; a row without children is complete
    when its recipient reported (file or number) or when the records show it done (DETECTED).
    """

    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    root = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("原始任务")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级任务"),
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="assignments", verbose_name=_("承办单位")
    )
    title = models.CharField(_("任务名称"), max_length=200)
    body = models.TextField(_("任务要求"))
    starts_on = models.DateField(_("起算日期"))
    deadline = models.DateField(_("完成期限"), db_index=True)
    evidence = models.CharField(_("完成凭据"), max_length=10, choices=Evidence.choices)
    target = models.PositiveIntegerField(_("数量要求"), default=1)
    may_split = models.BooleanField(_("可继续下派"), default=True)
    # The recipient's report (file or number evidence); detected kinds never carry one.
    reported_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    reported_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    report_note = models.CharField(_("完成情况说明"), max_length=500, blank=True)
    report_number = models.PositiveIntegerField(_("填报数字"), null=True, blank=True)
    report_file = models.FileField(_("材料"), upload_to="linkage/%Y/%m/", blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deadline", "region__code"]
        verbose_name = _("下派任务")
        verbose_name_plural = _("下派任务")
        constraints = [
            models.CheckConstraint(
                condition=Q(deadline__gte=models.F("starts_on")), name="assignment_period"
            ),
            models.CheckConstraint(condition=Q(target__gte=1), name="assignment_target_positive"),
            models.UniqueConstraint(fields=["parent", "region"], name="assignment_one_per_recipient"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_detected(self) -> bool:
        return self.evidence in DETECTED

    def deadline_end(self) -> dt.datetime:
        """The last moment that still counts as on time: the end of the deadline day, local time."""
        day = self.deadline + dt.timedelta(days=1)
        return timezone.make_aware(dt.datetime.combine(day, dt.time.min))

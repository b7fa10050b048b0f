"""A run freezes, per subject and indicator, the value, the points and the records behind them."""

from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _

from jiceng.assessment.models.schemes import Grade, Indicator, Scheme
from jiceng.assessment.records import RecordSet, Tally, decode


class AssessmentRun(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.PROTECT, related_name="runs")
    period_start = models.DateField(_("考核期起"))
    period_end = models.DateField(_("考核期止"))
    version = models.PositiveIntegerField(_("版次"), default=1)
    input_hash = models.CharField(_("输入摘要（SHA-256）"), max_length=64)
    computed_by = models.ForeignKey("core.User", on_delete=models.PROTECT, null=True, related_name="+")
    computed_at = models.DateTimeField(_("计算时间"), auto_now_add=True)

    class Meta:
        ordering = ["-computed_at", "-pk"]
        verbose_name = _("考核结果")
        verbose_name_plural = _("考核结果")
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "period_start", "period_end", "version"], name="one_run_version"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")), name="run_period_ok"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme.name} {self.period_start}—{self.period_end} 第{self.version}次"


class Score(models.Model):
    run = models.ForeignKey(AssessmentRun, on_delete=models.CASCADE, related_name="scores")
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", null=True)
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, related_name="+", null=True
    )
    subject_name = models.CharField(_("考核对象"), max_length=100)
    total = models.DecimalField(_("总分"), max_digits=6, decimal_places=1)
    grade = models.CharField(_("等次"), max_length=10, choices=Grade.choices)
    rank = models.PositiveIntegerField(_("名次"))

    class Meta:
        ordering = ["run", "rank", "subject_name"]
        verbose_name = _("考核得分")
        verbose_name_plural = _("考核得分")
        constraints = [
            # A region subject is its region; a unit subject is its organisation, placed in the
            # region it is registered in, so every score is scoped by a region either way.
            models.CheckConstraint(condition=models.Q(region__isnull=False), name="score_has_region"),
        ]

    def __str__(self) -> str:
        return f"{self.subject_name} {self.total}"

    @property
    def subject(self):
        """What was assessed: the unit (an Organization) for a unit score, else the region."""
        return self.organization if self.organization_id else self.region

    @property
    def is_unit(self) -> bool:
        return self.organization_id is not None


class ScoreLine(models.Model):
    score = models.ForeignKey(Score, on_delete=models.CASCADE, related_name="lines")
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(_("指标值"), max_digits=14, decimal_places=3, null=True)
    points = models.DecimalField(_("得分"), max_digits=6, decimal_places=1)
    weighted = models.DecimalField(_("加权得分"), max_digits=6, decimal_places=2)
    # the records behind the value: `RecordSet.encode()` (ids per model label, delta-encoded, zlib), or
    # `Tally.encode()` where the computation counts a district's year of records instead of listing them
    record_ids = models.BinaryField(_("所依据的记录"), default=b"")
    record_count = models.PositiveIntegerField(_("所依据的记录数"), default=0)
    is_manual = models.BooleanField(_("人工指标"), default=False)

    class Meta:
        ordering = ["score", "indicator__position"]
        verbose_name = _("指标得分")
        verbose_name_plural = _("指标得分")

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.points}"

    @cached_property
    def records(self) -> RecordSet | Tally:
        return decode(self.record_ids)

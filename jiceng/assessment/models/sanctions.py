"""Publication for objections, objections to a figure, and rewards and penalties with their cause."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiceng.assessment.models.runs import AssessmentRun, Score, ScoreLine


class Publication(models.Model):
    """A run shown to its subjects for objections until `closes_on` (inclusive)."""

    run = models.OneToOneField(AssessmentRun, on_delete=models.CASCADE, related_name="publication")
    opens_on = models.DateField(_("公示开始"))
    closes_on = models.DateField(_("公示截止"))
    published_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    published_at = models.DateTimeField(_("发布时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("考核结果公示")
        verbose_name_plural = _("考核结果公示")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_on__gte=models.F("opens_on")), name="publication_period_ok"
            )
        ]

    def __str__(self) -> str:
        return f"{self.run} 公示至 {self.closes_on}"


class ObjectionState(models.TextChoices):
    OPEN = "open", _("待裁定")
    UPHELD = "upheld", _("异议成立")
    REJECTED = "rejected", _("异议不成立")


class RunObjection(models.Model):
    """A subject's objection to one figure of a published run; the district decides it."""

    line = models.ForeignKey(ScoreLine, on_delete=models.PROTECT, related_name="objections")
    reason = models.TextField(_("异议理由"))
    raised_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(_("提出时间"), auto_now_add=True)
    state = models.CharField(_("状态"), max_length=10, choices=ObjectionState.choices, default="open")
    decision = models.TextField(_("裁定意见"), blank=True)
    decided_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("裁定时间"), null=True, blank=True)
    resolved_by_run = models.ForeignKey(
        AssessmentRun, on_delete=models.PROTECT, null=True, blank=True, related_name="resolved_objections"
    )

    class Meta:
        ordering = ["-raised_at", "-pk"]
        verbose_name = _("考核异议")
        verbose_name_plural = _("考核异议")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(state="open") | models.Q(decided_by__isnull=False),
                name="objection_decided_by_someone",
            )
        ]

    def __str__(self) -> str:
        return f"{self.line.score.subject_name}：{self.line.indicator.name}"


class SanctionKind(models.TextChoices):
    HONOUR = "honour", _("先进表彰")
    CRITICISM = "criticism", _("通报批评")
    SUSPENSION = "suspension", _("暂停发布兑换物品")


class Sanction(models.Model):
    """A reward or penalty with its cause: the run and the score (grade) or indicator behind it."""

    kind = models.CharField(_("类别"), max_length=12, choices=SanctionKind.choices)
    run = models.ForeignKey(
        AssessmentRun, on_delete=models.PROTECT, null=True, blank=True, related_name="sanctions"
    )
    score = models.ForeignKey(
        Score, on_delete=models.PROTECT, null=True, blank=True, related_name="sanctions"
    )
    indicator_code = models.CharField(_("依据指标"), max_length=60, blank=True)
    partner = models.ForeignKey(
        "bank.AlliancePartner", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    subject_name = models.CharField(_("对象"), max_length=100)
    cause = models.CharField(_("事由"), max_length=300)
    decided_on = models.DateField(_("决定日期"))
    decided_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    plan_due = models.DateField(_("整改方案提交期限"), null=True, blank=True)
    plan_text = models.TextField(_("整改方案"), blank=True)
    plan_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    plan_at = models.DateTimeField(_("整改方案提交时间"), null=True, blank=True)
    lifted_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    lifted_on = models.DateField(_("恢复日期"), null=True, blank=True)

    class Meta:
        ordering = ["kind", "-decided_on", "pk"]
        verbose_name = _("奖惩")
        verbose_name_plural = _("奖惩")
        constraints = [
            models.UniqueConstraint(
                fields=["score", "kind"],
                condition=models.Q(score__isnull=False),
                name="one_sanction_per_score",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="criticism") | models.Q(plan_due__isnull=False),
                name="criticism_has_plan_due",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}：{self.subject_name}"

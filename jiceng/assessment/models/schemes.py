"""Schemes and their indicators. A published scheme is frozen; a change is a new version."""

from decimal import Decimal

from django.db import models
from django.utils.translation import gettext_lazy as _


class SubjectType(models.TextChoices):
    SUBDISTRICT = "subdistrict", _("街道")
    COMMUNITY = "community", _("社区")
    UNIT = "unit", _("驻区单位")
    WORKER = "worker", _("社区工作者")


class SchemeState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class Scheme(models.Model):
    district = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveIntegerField(_("年度"))
    subject_type = models.CharField(_("考核对象"), max_length=12, choices=SubjectType.choices)
    version = models.PositiveIntegerField(_("版本"), default=1)
    name = models.CharField(_("方案名称"), max_length=100)
    state = models.CharField(_("状态"), max_length=10, choices=SchemeState.choices, default=SchemeState.DRAFT)
    band_excellent = models.DecimalField(_("优秀线"), max_digits=5, decimal_places=1, default=Decimal("90"))
    band_good = models.DecimalField(_("良好线"), max_digits=5, decimal_places=1, default=Decimal("80"))
    band_pass = models.DecimalField(_("合格线"), max_digits=5, decimal_places=1, default=Decimal("60"))
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)

    class Meta:
        ordering = ["-year", "subject_type", "-version"]
        verbose_name = _("考核方案")
        verbose_name_plural = _("考核方案")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "year", "subject_type", "version"], name="one_scheme_version"
            ),
            models.CheckConstraint(
                condition=models.Q(band_excellent__gte=models.F("band_good"))
                & models.Q(band_good__gte=models.F("band_pass")),
                name="scheme_bands_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.year}年 第{self.version}版）"

    @property
    def is_frozen(self) -> bool:
        return self.state == SchemeState.PUBLISHED

    @property
    def assesses_units(self) -> bool:
        """Its subjects are organisations (resident units), not regions."""
        return self.subject_type == SubjectType.UNIT

    def grade_for(self, total: Decimal) -> str:
        if total >= self.band_excellent:
            return Grade.EXCELLENT
        if total >= self.band_good:
            return Grade.GOOD
        if total >= self.band_pass:
            return Grade.PASS
        return Grade.FAIL


class Grade(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    GOOD = "good", _("良好")
    PASS = "pass", _("合格")
    FAIL = "fail", _("不合格")


class ScoringRule(models.TextChoices):
    LINEAR = "linear", _("线性计分：起评值得0分，目标值得满分")
    PER_EVENT = "per_event", _("按次加减：基础分加每次分值，封顶保底")


MANUAL = "manual"


class Indicator(models.Model):
    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="indicators")
    position = models.PositiveIntegerField(_("序号"))
    code = models.CharField(_("计算口径"), max_length=60)  # a catalogue code, or "manual"
    name = models.CharField(_("指标名称"), max_length=100)
    weight = models.DecimalField(_("权重"), max_digits=5, decimal_places=1)
    max_points = models.DecimalField(_("满分"), max_digits=6, decimal_places=1, default=Decimal("100"))
    rule = models.CharField(
        _("计分规则"), max_length=10, choices=ScoringRule.choices, default=ScoringRule.LINEAR
    )
    floor = models.DecimalField(_("起评值"), max_digits=12, decimal_places=2, default=Decimal("0"))
    target = models.DecimalField(_("目标值"), max_digits=12, decimal_places=2, default=Decimal("100"))
    base_points = models.DecimalField(_("基础分"), max_digits=6, decimal_places=1, default=Decimal("0"))
    per_event = models.DecimalField(_("每次分值"), max_digits=6, decimal_places=1, default=Decimal("0"))

    class Meta:
        ordering = ["scheme", "position"]
        verbose_name = _("考核指标")
        verbose_name_plural = _("考核指标")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "position"], name="one_indicator_per_position"),
            models.CheckConstraint(condition=models.Q(weight__gt=0), name="indicator_weight_positive"),
            models.CheckConstraint(condition=models.Q(max_points__gt=0), name="indicator_max_positive"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_manual(self) -> bool:
        return self.code == MANUAL

    def points_for(self, value: Decimal | None) -> Decimal:
        """The points a value earns, by this indicator's rule, between 0 and `max_points`.

        Linear: `floor` earns 0 and `target` earns full points; a floor above the target scores a
        value inversely (a high share of upheld objections is a warning). Per event: `base_points`
        plus `per_event` for each event (negative for a penalty), capped at 0 and `max_points`.
        """
        if value is None:
            return Decimal("0.0")
        if self.rule == ScoringRule.PER_EVENT:
            raw = self.base_points + self.per_event * value
        else:
            span = self.target - self.floor
            if span == 0:
                share = Decimal(1) if value >= self.target else Decimal(0)
            else:
                share = (value - self.floor) / span
            raw = self.max_points * min(Decimal(1), max(Decimal(0), share))
        return min(self.max_points, max(Decimal(0), raw)).quantize(Decimal("0.1"))

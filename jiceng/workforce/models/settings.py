"""The district's settings of the career system, and its pay table, both versioned by year."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

GRADES = range(1, 19)


class Post(models.TextChoices):
    HEAD = "head", _("正职")
    DEPUTY = "deputy", _("副职")
    OTHER = "other", _("其他社区工作者")


class Level(models.TextChoices):
    JUNIOR = "junior", _("助理社会工作师")
    INTERMEDIATE = "intermediate", _("社会工作师")
    SENIOR = "senior", _("高级社会工作师")


LEVEL_RANK = {Level.JUNIOR: 1, Level.INTERMEDIATE: 2, Level.SENIOR: 3}

# The defaults of every setting, as practised in several provinces; each district may change them.
DEFAULTS = {
    "head_min": 7,
    "head_max": 18,
    "deputy_min": 4,
    "deputy_max": 15,
    "other_min": 1,
    "other_max": 12,
    "promotion_years": 3,
    "junior_grades": 1,
    "intermediate_grades": 2,
    "senior_grades": 3,
    "junior_allowance": Decimal("200.00"),
    "intermediate_allowance": Decimal("300.00"),
    "senior_allowance": Decimal("500.00"),
    "fixed_share": Decimal("0.70"),
    "staffing_target": Decimal("18.0"),
    "qualified_target": Decimal("0.50"),
}

# A plausible default pay table: one base for every grade and a coefficient rising 0.06 a grade.
DEFAULT_BASE = Decimal("3000.00")


def default_coefficient(grade: int) -> Decimal:
    return (Decimal("1.00") + Decimal("0.06") * (grade - 1)).quantize(Decimal("0.01"))


def _grade():
    return [MinValueValidator(1), MaxValueValidator(18)]


class WorkforceSettings(models.Model):
    """One district's settings for one year; a year without its own row uses the latest earlier one."""

    district = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    head_min = models.PositiveSmallIntegerField(_("正职最低级"), validators=_grade())
    head_max = models.PositiveSmallIntegerField(_("正职最高级"), validators=_grade())
    deputy_min = models.PositiveSmallIntegerField(_("副职最低级"), validators=_grade())
    deputy_max = models.PositiveSmallIntegerField(_("副职最高级"), validators=_grade())
    other_min = models.PositiveSmallIntegerField(_("其他最低级"), validators=_grade())
    other_max = models.PositiveSmallIntegerField(_("其他最高级"), validators=_grade())
    promotion_years = models.PositiveSmallIntegerField(_("晋级年限（年）"))
    junior_grades = models.PositiveSmallIntegerField(_("助理社工师加级"))
    intermediate_grades = models.PositiveSmallIntegerField(_("社工师加级"))
    senior_grades = models.PositiveSmallIntegerField(_("高级社工师加级"))
    junior_allowance = models.DecimalField(_("助理社工师津贴（元/月）"), max_digits=8, decimal_places=2)
    intermediate_allowance = models.DecimalField(_("社工师津贴（元/月）"), max_digits=8, decimal_places=2)
    senior_allowance = models.DecimalField(_("高级社工师津贴（元/月）"), max_digits=8, decimal_places=2)
    fixed_share = models.DecimalField(_("固定部分比例"), max_digits=4, decimal_places=2)
    staffing_target = models.DecimalField(_("每万人社工数目标"), max_digits=5, decimal_places=1)
    qualified_target = models.DecimalField(_("持证比例目标"), max_digits=4, decimal_places=2)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("社区工作者职业体系设置")
        verbose_name_plural = _("社区工作者职业体系设置")
        constraints = [
            models.UniqueConstraint(fields=["district", "year"], name="workforce_settings_per_year"),
        ]

    def __str__(self) -> str:
        return f"{self.year}"

    def range_of(self, post: str) -> tuple[int, int]:
        return {
            Post.HEAD: (self.head_min, self.head_max),
            Post.DEPUTY: (self.deputy_min, self.deputy_max),
            Post.OTHER: (self.other_min, self.other_max),
        }[Post(post)]

    def grades_for(self, level: str | None) -> int:
        if not level:
            return 0
        return {
            Level.JUNIOR: self.junior_grades,
            Level.INTERMEDIATE: self.intermediate_grades,
            Level.SENIOR: self.senior_grades,
        }[Level(level)]

    def allowance_for(self, level: str | None) -> Decimal:
        if not level:
            return Decimal("0.00")
        return {
            Level.JUNIOR: self.junior_allowance,
            Level.INTERMEDIATE: self.intermediate_allowance,
            Level.SENIOR: self.senior_allowance,
        }[Level(level)]

    @property
    def performance_share(self) -> Decimal:
        return Decimal("1.00") - self.fixed_share


class PayGrade(models.Model):
    """The pay table: a base amount and a coefficient for one grade, per district and year."""

    district = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(_("年度"))
    grade = models.PositiveSmallIntegerField(_("等级"), validators=_grade())
    base = models.DecimalField(_("基数（元/月）"), max_digits=9, decimal_places=2)
    coefficient = models.DecimalField(_("系数"), max_digits=5, decimal_places=2)

    class Meta:
        ordering = ["year", "grade"]
        verbose_name = _("报酬系数表")
        verbose_name_plural = _("报酬系数表")
        constraints = [
            models.UniqueConstraint(fields=["district", "year", "grade"], name="pay_grade_unique"),
            models.CheckConstraint(condition=models.Q(grade__gte=1, grade__lte=18), name="pay_grade_range"),
            models.CheckConstraint(
                condition=models.Q(base__gte=0, coefficient__gt=0), name="pay_grade_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.grade}"

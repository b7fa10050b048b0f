"""The cockpit's roll-up: the figures that cost whole-district scans, summed per region code and year.

One `Rollup` row per region code of a district and year holds that code's own groups (a community's
residents, points issued per month, check-ins...; the circle's coverage of every region), and one
`RollupStamp` per district and year says when they were computed and up to which transfer the
Moral Bank's sums are final. A refresh replaces both in one transaction, so a reader sees the whole
of one refresh or the whole of the previous one.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RollupStamp(models.Model):
    district = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField(_("年度"))
    computed_at = models.DateTimeField(_("数据更新于"))
    # Every transfer with an id at or below the mark is final (posted or voided) and was counted into
    # each row's `base`; transfers above it are summed anew by every refresh.
    transfer_mark = models.BigIntegerField(_("已累计到的转账"), default=0)
    seconds = models.FloatField(_("计算用时（秒）"), default=0)
    circle_stand_in = models.BooleanField(default=False)
    circle_error = models.TextField(blank=True)

    class Meta:
        verbose_name = _("驾驶舱汇总时间")
        verbose_name_plural = _("驾驶舱汇总时间")
        constraints = [models.UniqueConstraint(fields=["district", "year"], name="one_rollup_stamp")]

    def __str__(self) -> str:
        return f"{self.district_id} {self.year} {self.computed_at}"


class Rollup(models.Model):
    district = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveIntegerField(_("年度"))
    code = models.CharField(_("区划代码"), max_length=15)
    # {"residents": n, "issued_m": [12 monthly sums], ...}: the groups of this code alone.
    figures = models.JSONField(default=dict)
    # The Moral Bank's sums over final transfers up to the stamp's mark, added to on each refresh.
    base = models.JSONField(default=dict)
    circle_population = models.FloatField(null=True)
    circle_percentage = models.FloatField(null=True)

    class Meta:
        verbose_name = _("驾驶舱汇总")
        verbose_name_plural = _("驾驶舱汇总")
        constraints = [
            models.UniqueConstraint(fields=["district", "year", "code"], name="one_rollup_per_code")
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.year}"

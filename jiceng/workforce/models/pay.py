"""The monthly pay sheet of a subdistrict: computed while a draft, frozen once approved."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiceng.workforce.models.settings import Post


class SheetStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    APPROVED = "approved", _("已审核")


class PaySheet(models.Model):
    district = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    subdistrict = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="pay_sheets", verbose_name=_("街道")
    )
    year = models.PositiveSmallIntegerField(_("年度"))
    month = models.PositiveSmallIntegerField(_("月份"))
    status = models.CharField(
        _("状态"), max_length=10, choices=SheetStatus.choices, default=SheetStatus.DRAFT
    )
    total = models.DecimalField(_("合计（元）"), max_digits=14, decimal_places=2, default=0)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, null=True, related_name="+")
    approved_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    computed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-year", "-month", "subdistrict__code"]
        verbose_name = _("工资表")
        verbose_name_plural = _("工资表")
        constraints = [
            models.UniqueConstraint(fields=["subdistrict", "year", "month"], name="one_pay_sheet_per_month"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="pay_sheet_month"),
        ]

    def __str__(self) -> str:
        return f"{self.subdistrict.name} {self.year}-{self.month:02d}"

    @property
    def is_approved(self) -> bool:
        return self.status == SheetStatus.APPROVED


class PaySheetRow(models.Model):
    """One worker's line: what the month pays and how it was computed, kept as computed."""

    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    sheet = models.ForeignKey(PaySheet, on_delete=models.CASCADE, related_name="rows")
    worker = models.ForeignKey("workforce.CommunityWorker", on_delete=models.PROTECT, related_name="pay_rows")
    name = models.CharField(_("姓名"), max_length=50)
    community = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    post = models.CharField(_("岗位"), max_length=10, choices=Post.choices)
    grade = models.PositiveSmallIntegerField(_("等级"))
    coefficient = models.DecimalField(_("系数"), max_digits=5, decimal_places=2)
    base = models.DecimalField(_("基数"), max_digits=9, decimal_places=2)
    fixed_pay = models.DecimalField(_("固定报酬"), max_digits=10, decimal_places=2)
    allowance = models.DecimalField(_("职业津贴"), max_digits=9, decimal_places=2)
    total = models.DecimalField(_("应发合计"), max_digits=10, decimal_places=2)

    class Meta:
        ordering = ["community__code", "post", "name", "id"]
        verbose_name = _("工资表明细")
        verbose_name_plural = _("工资表明细")
        constraints = [
            models.UniqueConstraint(fields=["district", "sheet", "worker"], name="one_row_per_worker")
        ]

    def __str__(self) -> str:
        return f"{self.sheet} {self.name}"

"""A manual indicator's value: an uploaded piece of evidence and a second approver, or it does not count."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiceng.assessment.models.schemes import Indicator


class ManualEntry(models.Model):
    indicator = models.ForeignKey(Indicator, on_delete=models.PROTECT, related_name="manual_entries")
    # the subject: a region (subdistrict or community scheme) or a resident unit (unit scheme), never both
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    organization = models.ForeignKey(
        "orgs.Organization", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    value = models.DecimalField(_("指标值"), max_digits=14, decimal_places=3)
    evidence = models.FileField(_("证明材料"), upload_to="assessment/%Y/")
    note = models.CharField(_("说明"), max_length=200, blank=True)
    entered_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    entered_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("人工指标登记")
        verbose_name_plural = _("人工指标登记")
        constraints = [
            models.UniqueConstraint(fields=["indicator", "region"], name="one_manual_entry_per_subject"),
            models.UniqueConstraint(fields=["indicator", "organization"], name="one_manual_entry_per_unit"),
            models.CheckConstraint(
                condition=models.Q(region__isnull=False, organization__isnull=True)
                | models.Q(region__isnull=True, organization__isnull=False),
                name="manual_entry_one_subject",
            ),
            models.CheckConstraint(
                condition=models.Q(approved_by__isnull=True) | ~models.Q(approved_by=models.F("entered_by")),
                name="manual_second_approver",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.indicator.name} {self.subject.name}"

    @property
    def subject(self):
        return self.organization if self.organization_id else self.region

    @property
    def is_approved(self) -> bool:
        return self.approved_by_id is not None

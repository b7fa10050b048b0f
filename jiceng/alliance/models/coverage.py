"""New-sector coverage: the party organisations of office buildings, parks and markets over time.

One row per party organisation's life inside a new-sector organisation, from founding
to dissolution or inactivity. Keeping every life (not just a flag) is what makes
"founded then faded" (边建边散) visible.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class BranchState(models.TextChoices):
    ACTIVE = "active", _("正常运转")
    INACTIVE = "inactive", _("停止活动")
    DISSOLVED = "dissolved", _("已撤销")


class SectorBranch(models.Model):
    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    sector_org = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="sector_branches",
        verbose_name=_("新兴领域组织"),
    )
    party_org = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("党组织（已登记时）"),
    )
    name = models.CharField(_("党组织名称"), max_length=200)
    founded_on = models.DateField(_("成立日期"))
    state = models.CharField(
        _("状态"), max_length=10, choices=BranchState.choices, default=BranchState.ACTIVE
    )
    ended_on = models.DateField(_("撤销或停止活动日期"), null=True, blank=True)
    member_count = models.PositiveIntegerField(_("党员人数"), default=0)
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sector_org__region__code", "sector_org__name", "-founded_on"]
        verbose_name = _("新兴领域党组织")
        verbose_name_plural = _("新兴领域党组织")
        constraints = [
            models.UniqueConstraint(
                fields=["sector_org"], condition=Q(state="active"), name="one_active_branch_per_sector_org"
            ),
            models.CheckConstraint(
                condition=(Q(state="active") & Q(ended_on__isnull=True))
                | (~Q(state="active") & Q(ended_on__isnull=False)),
                name="branch_end_matches_state",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def lived_days(self) -> int | None:
        return (self.ended_on - self.founded_on).days if self.ended_on else None

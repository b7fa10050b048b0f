"""Grids (网格) under communities: a grid is a Region of level grid; households are assigned to one."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class GridHousehold(models.Model):
    """Which grid a household belongs to. A household is in at most one grid, of its own community."""

    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    household = models.OneToOneField(
        "people.Household", on_delete=models.CASCADE, related_name="grid_link", verbose_name=_("户")
    )
    grid = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="grid_households", verbose_name=_("网格")
    )
    assigned_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("网格住户")
        verbose_name_plural = _("网格住户")

    def __str__(self) -> str:
        return f"{self.household} · {self.grid}"

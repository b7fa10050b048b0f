"""Residential points: a building or compound and how many live there."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiceng.circle.models.coords import WGS84_OK

# The 2020 census's average size of a household (第七次全国人口普查：平均每个家庭户 2.62 人).
# A residential point that gives only its households is counted at this many residents each.
PERSONS_PER_HOUSEHOLD = 2.62


class PointSource(models.TextChoices):
    IMPORTED = "imported", _("导入")
    SYNTHETIC = "synthetic", _("合成（示范）")


class ResidentialPoint(models.Model):
    """A residential building or compound and how many live there."""

    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    community = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="residential_points",
        verbose_name=_("所属社区"),
    )
    # A grid (Region of level grid) of the point's own community; set by the import's 网格编号 column.
    grid = models.ForeignKey(
        "regions.Region",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="grid_residential_points",
        verbose_name=_("所属网格"),
    )
    lon = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    households = models.PositiveIntegerField(_("户数"), null=True, blank=True)
    residents = models.PositiveIntegerField(_("人数"), null=True, blank=True)
    building = models.CharField(_("楼栋名称"), max_length=100, blank=True)
    source = models.CharField(
        _("来源"), max_length=10, choices=PointSource.choices, default=PointSource.IMPORTED
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["community__code", "id"]
        verbose_name = _("居民点")
        verbose_name_plural = _("居民点")
        constraints = [
            models.CheckConstraint(condition=WGS84_OK, name="residential_point_wgs84"),
            models.CheckConstraint(
                condition=Q(households__isnull=False) | Q(residents__isnull=False),
                name="residential_point_has_people",
            ),
        ]
        indexes = [
            models.Index(fields=["district", "community"], name="circle_point_district_comm"),
            # The coverage cache's key reads the latest change of a district's points.
            models.Index(fields=["district", "updated_at"], name="circle_point_district_changed"),
        ]

    def __str__(self) -> str:
        return self.building or f"{self.lon:.5f}, {self.lat:.5f}"

    @property
    def population(self) -> int:
        return point_population(self.households, self.residents)


def point_population(households, residents) -> int:
    """Residents of a point: as given, else estimated from the households."""
    if residents is not None:
        return int(residents)
    return int(round((households or 0) * PERSONS_PER_HOUSEHOLD))

"""The record of a district's walking network; the graph itself is one ``.npz`` file."""

from pathlib import Path

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def network_dir() -> Path:
    """Where the walking-network files live (read at call time, so tests can move it)."""
    return Path(settings.VAR_DIR) / "circle"


class WalkNetwork(models.Model):
    """The district's walking network: one ``.npz`` file and what is known about it."""

    district = models.OneToOneField(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    name = models.CharField(_("名称"), max_length=200)
    path = models.CharField(_("文件"), max_length=500, help_text=_("相对于数据目录（VAR_DIR）的路径"))
    nodes = models.PositiveIntegerField(_("节点数"))
    edges = models.PositiveIntegerField(_("路段数"))
    min_lon = models.FloatField(_("最小经度"))
    min_lat = models.FloatField(_("最小纬度"))
    max_lon = models.FloatField(_("最大经度"))
    max_lat = models.FloatField(_("最大纬度"))
    is_synthetic = models.BooleanField(_("合成数据"), default=False)
    imported_at = models.DateTimeField(_("导入时间"), default=timezone.now)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("导入人"),
    )

    class Meta:
        verbose_name = _("步行路网")
        verbose_name_plural = _("步行路网")

    def __str__(self) -> str:
        return self.name

    def file_path(self) -> Path:
        p = Path(self.path)
        return p if p.is_absolute() else Path(settings.VAR_DIR) / p

    @property
    def extent(self) -> tuple[float, float, float, float]:
        return (self.min_lon, self.min_lat, self.max_lon, self.max_lat)

    def contains(self, lon: float, lat: float) -> bool:
        return self.min_lon <= lon <= self.max_lon and self.min_lat <= lat <= self.max_lat

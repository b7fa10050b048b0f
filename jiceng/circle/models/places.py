"""Service places (阵地), their photos, and candidate sites for new ones."""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiceng.circle.models.coords import WGS84_OK


class PlaceKind(models.TextChoices):
    CENTRE_DISTRICT = "centre_district", _("党群服务中心（区级）")
    CENTRE_SUBDISTRICT = "centre_subdistrict", _("党群服务中心（街道级）")
    CENTRE_COMMUNITY = "centre_community", _("党群服务中心（社区级）")
    NEIGHBOURHOOD = "neighbourhood", _("邻里中心")
    ORG_LIFE_BASE = "org_life_base", _("开放式组织生活基地")
    OTHER = "other", _("其他")


class ServicePlace(models.Model):
    """A party-and-public service place (阵地) residents can walk to.

    Opening hours are daily: either ``always_open``, or from ``opens_at`` to
    ``closes_at`` (a closing time earlier than the opening time runs past midnight),
    or unknown when neither is set.
    """

    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    community = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="service_places", verbose_name=_("所在社区")
    )
    name = models.CharField(_("名称"), max_length=100)
    kind = models.CharField(_("类型"), max_length=24, choices=PlaceKind.choices)
    lon = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    address = models.CharField(_("地址"), max_length=200, blank=True)
    always_open = models.BooleanField(_("全天开放"), default=False)
    opens_at = models.TimeField(_("开门时间"), null=True, blank=True)
    closes_at = models.TimeField(_("关门时间"), null=True, blank=True)
    services = models.TextField(_("服务内容"), blank=True, help_text=_("多项服务用顿号“、”分隔"))
    floor_area = models.DecimalField(
        _("面积（平方米）"), max_digits=10, decimal_places=2, null=True, blank=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["community__code", "kind", "name"]
        verbose_name = _("服务阵地")
        verbose_name_plural = _("服务阵地")
        constraints = [
            models.UniqueConstraint(fields=["community", "name"], name="service_place_name_per_community"),
            models.CheckConstraint(condition=WGS84_OK, name="service_place_wgs84"),
            models.CheckConstraint(
                condition=(Q(opens_at__isnull=True) & Q(closes_at__isnull=True))
                | (Q(always_open=False) & Q(opens_at__isnull=False) & Q(closes_at__isnull=False)),
                name="service_place_hours_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def is_open_at(self, at: dt.time) -> bool:
        """Open at time of day ``at``; a place with unknown hours never counts as open."""
        return hours_open_at(self.always_open, self.opens_at, self.closes_at, at)

    @property
    def hours_display(self) -> str:
        return hours_display(self.always_open, self.opens_at, self.closes_at)

    @property
    def services_list(self) -> list[str]:
        return split_services(self.services)


def hours_open_at(always_open: bool, opens_at, closes_at, at: dt.time) -> bool:
    if always_open:
        return True
    if opens_at is None or closes_at is None:
        return False
    if opens_at < closes_at:
        return opens_at <= at < closes_at
    return at >= opens_at or at < closes_at  # runs past midnight


def hours_display(always_open: bool, opens_at, closes_at) -> str:
    if always_open:
        return str(_("全天开放"))
    if opens_at is None or closes_at is None:
        return str(_("未填写"))
    closes = "24:00" if closes_at == dt.time(0, 0) else f"{closes_at:%H:%M}"
    return str(_("每天 %(o)s–%(c)s")) % {"o": f"{opens_at:%H:%M}", "c": closes}


def split_services(text: str) -> list[str]:
    for sep in ("\n", ";", "；", ",", "，", "/"):
        text = text.replace(sep, "、")
    return [s.strip() for s in text.split("、") if s.strip()]


class PlacePhoto(models.Model):
    place = models.ForeignKey(
        ServicePlace, on_delete=models.CASCADE, related_name="photos", verbose_name=_("服务阵地")
    )
    image = models.ImageField(_("照片"), upload_to="circle/places/%Y/%m/")
    caption = models.CharField(_("说明"), max_length=100, blank=True)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "id"]
        verbose_name = _("阵地照片")
        verbose_name_plural = _("阵地照片")

    def __str__(self) -> str:
        return self.caption or self.image.name


class CandidateSite(models.Model):
    """A location the district could use for a new service place (a vacant room, a plot)."""

    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    community = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="candidate_sites",
        verbose_name=_("所在社区"),
    )
    name = models.CharField(_("名称"), max_length=100)
    lon = models.FloatField(_("经度"))
    lat = models.FloatField(_("纬度"))
    note = models.CharField(_("备注"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["community__code", "name"]
        verbose_name = _("候选选址")
        verbose_name_plural = _("候选选址")
        constraints = [models.CheckConstraint(condition=WGS84_OK, name="candidate_site_wgs84")]

    def __str__(self) -> str:
        return self.name

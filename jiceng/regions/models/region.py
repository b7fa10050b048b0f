"""The region tree, keyed by the national 12-digit statistical division code.

The code itself is the path: a subdistrict's communities all start with its first
nine digits. A subtree is therefore one range scan on an indexed column
(`code >= prefix AND code < prefix + ":"`), on SQLite and PostgreSQL alike.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    PROVINCE = "province", _("省")
    CITY = "city", _("市")
    DISTRICT = "district", _("区")
    SUBDISTRICT = "subdistrict", _("街道")
    COMMUNITY = "community", _("社区")
    GRID = "grid", _("网格")


# Significant digits of the code at each level; the rest is zero padding.
PREFIX_LEN = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.DISTRICT: 6,
    Level.SUBDISTRICT: 9,
    Level.COMMUNITY: 12,
    Level.GRID: 15,
}
LEVEL_ORDER = list(PREFIX_LEN)
CHILD_LEVEL = {LEVEL_ORDER[i]: LEVEL_ORDER[i + 1] for i in range(len(LEVEL_ORDER) - 1)}


def prefix_range(prefix: str, field: str = "code") -> Q:
    """Rows whose `field` starts with `prefix`, as an index-friendly range.

    Only `jiceng.regions.models` and the scope helper call it; everyone else asks a
    region for `subtree_q()` (or calls `subtree_q()` below with a raw code).
    """
    return Q(**{f"{field}__gte": prefix, f"{field}__lt": prefix + ":"})


def ancestor_code(code: str, level: str) -> str:
    """The code of the region at `level` above (or at) the region with `code`: 510107005001 → 510107005000."""
    return code[: PREFIX_LEN[level]].ljust(12, "0")


def subtree_q(code: str, level: str, path: str = "") -> Q:
    """Rows whose region (reached through `path`; "" for Region itself) lies under the `level` region of `code`."""
    return prefix_range(code[: PREFIX_LEN[level]], f"{path}__code" if path else "code")


class RegionQuerySet(models.QuerySet):
    def subtree(self, region: "Region") -> "RegionQuerySet":
        return self.filter(region.subtree_q())

    def active(self) -> "RegionQuerySet":
        return self.filter(is_active=True)


class Region(models.Model):
    code = models.CharField(_("区划代码"), max_length=15, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    level = models.CharField(_("层级"), max_length=12, choices=Level.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级"),
    )
    is_active = models.BooleanField(_("有效"), default=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name

    @property
    def prefix(self) -> str:
        return self.code[: PREFIX_LEN[self.level]]

    def contains(self, other: "Region") -> bool:
        return other.code.startswith(self.prefix)

    def subtree_q(self, path: str = "", *, level: str | None = None) -> Q:
        """The one way to limit a queryset to this region's subtree.

        `path` leads from the queried model to a Region ("community", "region",
        "org__region"; "" when querying Region). With `level`, the subtree is that of
        this region's ancestor at that level: `community.subtree_q("community",
        level=Level.SUBDISTRICT)` is everything in the community's subdistrict.
        """
        return subtree_q(self.code, level or self.level, path)

    def ancestors(self) -> list["Region"]:
        """From the top of the tree down to this region's parent, in one query."""
        codes = [
            self.code[:n].ljust(12, "0")
            for lvl, n in PREFIX_LEN.items()
            if n < PREFIX_LEN[self.level] and n <= 12
        ]
        return list(Region.objects.filter(code__in=codes).order_by("code"))

    @property
    def district_code(self) -> str | None:
        if PREFIX_LEN[self.level] < PREFIX_LEN[Level.DISTRICT]:
            return None
        return ancestor_code(self.code, Level.DISTRICT)

    @property
    def subdistrict_code(self) -> str | None:
        """The code of the subdistrict this region lies in (itself, for a subdistrict)."""
        if PREFIX_LEN[self.level] < PREFIX_LEN[Level.SUBDISTRICT]:
            return None
        return ancestor_code(self.code, Level.SUBDISTRICT)

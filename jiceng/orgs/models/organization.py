"""Organisations: party organisations in their own tree, and the units around them."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiceng.core.validators import validate_uscc


class Kind(models.TextChoices):
    PARTY = "party", _("党组织")
    UNIT = "unit", _("驻区单位")
    NEW_SECTOR = "new_sector", _("新兴领域")
    SOCIAL = "social", _("社会组织")


class PartyLevel(models.TextChoices):
    WORKING_COMMITTEE = "working_committee", _("党工委")
    COMMITTEE = "committee", _("党委")
    GENERAL_BRANCH = "general_branch", _("党总支")
    BRANCH = "branch", _("党支部")


class Sector(models.TextChoices):
    OFFICE_BUILDING = "office_building", _("商务楼宇")
    PARK = "park", _("园区")
    MARKET = "market", _("商圈市场")


class RegistrationType(models.TextChoices):
    """How a social organisation is registered with the civil affairs bureau."""

    SOCIAL_GROUP = "social_group", _("社会团体")
    PRIVATE_NONPROFIT = "private_nonprofit", _("民办非企业单位")
    FOUNDATION = "foundation", _("基金会")
    COMMUNITY_FILED = "community_filed", _("社区社会组织备案")


class Incubation(models.TextChoices):
    NONE = "none", _("未入孵")
    INCUBATING = "incubating", _("孵化中")
    GRADUATED = "graduated", _("已出壳")


class Organization(models.Model):
    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="organizations", verbose_name=_("所在区划")
    )
    kind = models.CharField(_("类型"), max_length=12, choices=Kind.choices)
    party_level = models.CharField(_("党组织层级"), max_length=20, choices=PartyLevel.choices, blank=True)
    sector = models.CharField(_("新兴领域类别"), max_length=20, choices=Sector.choices, blank=True)
    name = models.CharField(_("名称"), max_length=200)
    uscc = models.CharField(
        _("统一社会信用代码"), max_length=18, blank=True, validators=[validate_uscc], db_index=True
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("上级组织"),
    )
    registration_type = models.CharField(
        _("登记类型"), max_length=20, choices=RegistrationType.choices, blank=True
    )
    registered_on = models.DateField(_("登记日期"), null=True, blank=True)
    incubation = models.CharField(_("孵化状态"), max_length=12, choices=Incubation.choices, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    contact_name = models.CharField(_("联系人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["region__code", "name"]
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "uscc"], condition=~models.Q(uscc=""), name="org_uscc_unique_per_district"
            )
        ]

    def __str__(self) -> str:
        return self.name

"""The alliance itself: its member organisations and the rotating chair."""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AllianceLevel(models.TextChoices):
    SUBDISTRICT = "subdistrict", _("街道党建联盟")
    DISTRICT = "district", _("区级党建联盟")
    COMMUNITY = "community", _("社区党建联席会议")


class Alliance(models.Model):
    """A regional party-building alliance (区域党建工作联盟) of one community, one subdistrict or the whole district."""

    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="alliances", verbose_name=_("所属区划")
    )
    level = models.CharField(_("层级"), max_length=12, choices=AllianceLevel.choices)
    name = models.CharField(_("名称"), max_length=100)
    default_place = models.CharField(_("常用会议地点"), max_length=200, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["region__code"]
        verbose_name = _("党建联盟")
        verbose_name_plural = _("党建联盟")
        constraints = [models.UniqueConstraint(fields=["region"], name="one_alliance_per_region")]

    def __str__(self) -> str:
        return self.name

    def current_chair(self, today: dt.date | None = None) -> "ChairTerm | None":
        today = today or timezone.localdate()
        return (
            self.chair_terms.filter(starts_on__lte=today, ends_on__gte=today)
            .select_related("member__organization")
            .first()
        )


class MemberKind(models.TextChoices):
    COMMUNITY = "community", _("社区党组织")
    UNIT = "unit", _("驻区单位")
    NEW_SECTOR = "new_sector", _("新兴领域组织")
    OTHER = "other", _("其他组织")


class AllianceMember(models.Model):
    """An organisation's membership of an alliance, from joining to leaving."""

    alliance = models.ForeignKey(
        Alliance, on_delete=models.PROTECT, related_name="members", verbose_name=_("联盟")
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="alliance_memberships",
        verbose_name=_("成员单位"),
    )
    kind = models.CharField(_("成员类别"), max_length=12, choices=MemberKind.choices)
    joined_on = models.DateField(_("加入日期"))
    left_on = models.DateField(_("退出日期"), null=True, blank=True)
    contact_name = models.CharField(_("联络人"), max_length=50, blank=True)
    contact_phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        ordering = ["kind", "organization__name"]
        verbose_name = _("联盟成员")
        verbose_name_plural = _("联盟成员")
        constraints = [
            models.UniqueConstraint(
                fields=["alliance", "organization"],
                condition=Q(left_on__isnull=True),
                name="one_open_membership_per_org",
            )
        ]

    def __str__(self) -> str:
        return str(self.organization)

    @property
    def is_current(self) -> bool:
        return self.left_on is None or self.left_on > timezone.localdate()


class ChairTerm(models.Model):
    """One period of the rotating chair (轮值主席单位)."""

    alliance = models.ForeignKey(
        Alliance, on_delete=models.PROTECT, related_name="chair_terms", verbose_name=_("联盟")
    )
    member = models.ForeignKey(
        AllianceMember, on_delete=models.PROTECT, related_name="chair_terms", verbose_name=_("轮值主席单位")
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))

    class Meta:
        ordering = ["-starts_on"]
        verbose_name = _("轮值主席")
        verbose_name_plural = _("轮值主席")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="chair_term_order")
        ]

    def __str__(self) -> str:
        return f"{self.member} {self.starts_on}–{self.ends_on}"

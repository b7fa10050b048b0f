"""Residents, households and party membership.

ID numbers are stored encrypted, with a keyed hash for lookup and a masked copy for display.
Only the birth year is kept in clear (age counts need nothing finer); the full birth date is
inside the encrypted ID number. See docs/ARCHITECTURE.md, "Personal information".
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiceng.core import crypto


class Gender(models.TextChoices):
    MALE = "M", _("男")
    FEMALE = "F", _("女")


class Household(models.Model):
    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    community = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="households", verbose_name=_("社区")
    )
    number = models.CharField(_("户号"), max_length=40)
    address = models.CharField(_("住址"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("户")
        verbose_name_plural = _("户")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "community", "number"], name="household_number_per_community"
            )
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.address}".strip()


class Person(models.Model):
    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    community = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="residents", verbose_name=_("居住社区")
    )
    household = models.ForeignKey(
        Household,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("户"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    gender = models.CharField(_("性别"), max_length=1, choices=Gender.choices)
    birth_year = models.PositiveSmallIntegerField(_("出生年份"), null=True, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True, db_index=True)
    id_number_encrypted = models.BinaryField(_("身份证号（加密）"), null=True, blank=True, editable=False)
    id_number_hash = models.CharField(max_length=64, blank=True, editable=False)
    id_number_masked = models.CharField(_("身份证号"), max_length=18, blank=True, editable=False)
    is_active = models.BooleanField(_("在册"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["community__code", "name"]
        verbose_name = _("居民")
        verbose_name_plural = _("居民")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "id_number_hash"],
                condition=~models.Q(id_number_hash=""),
                name="person_id_number_unique_per_district",
            )
        ]

    AUDIT_NAME_FIELDS = ("name",)

    def __str__(self) -> str:
        return crypto.name_label(self.name)

    def set_id_number(self, number: str) -> None:
        """Store a validated ID number in its three forms; callers validate first."""
        self.id_number_encrypted = crypto.encrypt(number)
        self.id_number_hash = crypto.lookup_hash(number)
        self.id_number_masked = crypto.mask_id_number(number)
        self.birth_year = int(number[6:10])

    def id_number(self) -> str:
        return crypto.decrypt(self.id_number_encrypted) if self.id_number_encrypted else ""

    @property
    def masked_name(self) -> str:
        return crypto.mask_name(self.name)

    @property
    def masked_phone(self) -> str:
        return crypto.mask_phone(self.phone)


class Origin(models.TextChoices):
    STATE_ENTERPRISE = "state_enterprise", _("国企")
    VETERAN = "veteran", _("退伍")
    GRADUATE = "graduate", _("大学生")
    RETIRED = "retired", _("离退休")
    IN_SERVICE = "in_service", _("在职")


class PartyMembership(models.Model):
    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="party_membership")
    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    origin = models.CharField(_("党员来源"), max_length=20, choices=Origin.choices)
    home_branch = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name=_("所在党支部"),
    )
    joined_on = models.DateField(_("入党日期"), null=True, blank=True)

    class Meta:
        verbose_name = _("党员")
        verbose_name_plural = _("党员")

    def __str__(self) -> str:
        return f"{self.person}（{self.get_origin_display()}）"

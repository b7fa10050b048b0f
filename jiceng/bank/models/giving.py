"""Passing points on (善行传递): donations to a love pool or to a resident in need."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PersonInNeed(models.Model):
    """A resident the community has named as someone points may be passed on to."""

    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    community = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("社区")
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="+", verbose_name=_("居民")
    )
    reason = models.CharField(_("原因"), max_length=200)
    is_active = models.BooleanField(_("有效"), default=True)
    named_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("需要帮助的居民")
        verbose_name_plural = _("需要帮助的居民")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "person"], condition=models.Q(is_active=True), name="one_active_need"
            )
        ]

    def __str__(self) -> str:
        return str(self.person)


class Donation(models.Model):
    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    donor = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="donations")
    community = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    recipient = models.ForeignKey(
        PersonInNeed, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    points = models.PositiveIntegerField(_("积分"))
    message = models.CharField(_("留言"), max_length=100, blank=True)
    transfer = models.OneToOneField("bank.Transfer", on_delete=models.PROTECT, related_name="donation")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("捐赠")
        verbose_name_plural = _("捐赠")

    def __str__(self) -> str:
        return f"{self.donor} → {self.points}"

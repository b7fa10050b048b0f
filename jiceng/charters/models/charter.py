"""A community's residents' charter or convention (居民自治章程、社区公约), one row per adopted version."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class CharterKind(models.TextChoices):
    CHARTER = "charter", _("居民自治章程")
    CONVENTION = "convention", _("社区公约")


class Charter(models.Model):
    """A version of a community's charter or convention, as a residents' meeting adopted it.

    Versions are never edited or deleted; a new adoption is a new row with the next
    version number, and the current one is the highest.
    """

    community = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="charters", verbose_name=_("社区")
    )
    kind = models.CharField(_("类别"), max_length=12, choices=CharterKind.choices)
    version = models.PositiveIntegerField(_("版本"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("全文"))
    adopted_on = models.DateField(_("居民会议日期"))
    attendance = models.PositiveIntegerField(_("到会人数"))
    votes_for = models.PositiveIntegerField(_("赞成"))
    votes_against = models.PositiveIntegerField(_("反对"))
    votes_abstain = models.PositiveIntegerField(_("弃权"))
    recorded_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["community__code", "kind", "-version"]
        verbose_name = _("章程公约")
        verbose_name_plural = _("章程公约")
        constraints = [
            models.UniqueConstraint(fields=["community", "kind", "version"], name="charter_version_unique"),
            models.CheckConstraint(
                condition=Q(attendance__gte=F("votes_for") + F("votes_against") + F("votes_abstain")),
                name="charter_votes_within_attendance",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title}（第 {self.version} 版）"

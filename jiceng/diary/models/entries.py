"""The moral diary: residents' own record of good deeds and thoughts, private unless shared."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiceng.bank.models import Category


class DiaryEntry(models.Model):
    district = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="diary", verbose_name=_("作者")
    )
    date = models.DateField(_("日期"))
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices)
    text = models.TextField(_("内容"))
    is_shared = models.BooleanField(_("公开分享"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = _("道德日记")
        verbose_name_plural = _("道德日记")

    def __str__(self) -> str:
        return f"{self.date} {self.text[:20]}"


class DiaryPhoto(models.Model):
    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    entry = models.ForeignKey(DiaryEntry, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="diary/%Y/%m/")

    class Meta:
        verbose_name = _("日记照片")
        verbose_name_plural = _("日记照片")

    def __str__(self) -> str:
        return self.image.name

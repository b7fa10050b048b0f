"""Party-member report-in (在职党员到社区报到) and the posts members serve in."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from jiceng.people.models import Origin


class ServicePost(models.Model):
    """A post in a community that reported-in party members can take (e.g. 政策宣讲岗)."""

    community = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="service_posts", verbose_name=_("社区")
    )
    name = models.CharField(_("岗位"), max_length=100)
    description = models.CharField(_("说明"), max_length=200, blank=True)
    is_active = models.BooleanField(_("有效"), default=True)

    class Meta:
        ordering = ["community__code", "name"]
        verbose_name = _("服务岗位")
        verbose_name_plural = _("服务岗位")
        constraints = [models.UniqueConstraint(fields=["community", "name"], name="service_post_name")]

    def __str__(self) -> str:
        return self.name


class ReportInStatus(models.TextChoices):
    ACTIVE = "active", _("在社区服务")
    WITHDRAWN = "withdrawn", _("已转出")


class ReportIn(models.Model):
    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    community = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="report_ins", verbose_name=_("报到社区")
    )
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="report_ins", verbose_name=_("党员")
    )
    membership = models.ForeignKey(
        "people.PartyMembership", on_delete=models.PROTECT, related_name="report_ins", verbose_name=_("党籍")
    )
    origin = models.CharField(_("党员来源"), max_length=20, choices=Origin.choices)
    home_branch = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_members",
        verbose_name=_("所在党组织"),
    )
    home_unit_name = models.CharField(
        _("工作单位及党组织（未在系统中登记时填写）"), max_length=200, blank=True
    )
    posts = models.ManyToManyField(
        ServicePost, blank=True, through="ReportInPost", related_name="report_ins", verbose_name=_("认领岗位")
    )
    projects = models.ManyToManyField(
        "alliance.Project",
        blank=True,
        through="ReportInProject",
        related_name="report_ins",
        verbose_name=_("认领项目"),
    )
    reported_on = models.DateField(_("报到日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ReportInStatus.choices, default=ReportInStatus.ACTIVE
    )
    withdrawn_on = models.DateField(_("转出日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["community__code", "-reported_on"]
        verbose_name = _("党员报到")
        verbose_name_plural = _("党员报到")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "person"],
                condition=Q(status="active"),
                name="one_active_report_in_per_person",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person} → {self.community}"

    @property
    def home_label(self) -> str:
        return self.home_branch.name if self.home_branch_id else self.home_unit_name


# The posts and projects a member took. Their own models (the tables Django made for the two
# many-to-many fields, kept) so that each row carries its district: set them with
# `through_defaults={"district_id": report_in.district_id}`.
class ReportInPost(models.Model):
    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    reportin = models.ForeignKey(ReportIn, on_delete=models.CASCADE)
    servicepost = models.ForeignKey(ServicePost, on_delete=models.CASCADE)

    class Meta:
        db_table = "alliance_reportin_posts"
        constraints = [
            models.UniqueConstraint(
                fields=["district", "reportin", "servicepost"], name="report_in_post_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.reportin_id} → {self.servicepost_id}"


class ReportInProject(models.Model):
    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    reportin = models.ForeignKey(ReportIn, on_delete=models.CASCADE)
    project = models.ForeignKey("alliance.Project", on_delete=models.CASCADE)

    class Meta:
        db_table = "alliance_reportin_projects"
        constraints = [
            models.UniqueConstraint(fields=["district", "reportin", "project"], name="report_in_project_once")
        ]

    def __str__(self) -> str:
        return f"{self.reportin_id} → {self.project_id}"


class ReportInConfirmation(models.Model):
    """The community's yearly confirmation of what a reported-in member did, as sent to their branch."""

    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    report_in = models.ForeignKey(ReportIn, on_delete=models.PROTECT, related_name="confirmations")
    year = models.PositiveIntegerField(_("年度"))
    activities = models.PositiveIntegerField(_("参加活动次数"))
    minutes = models.PositiveIntegerField(_("服务时长（分钟）"))
    comment = models.TextField(_("社区评价意见"), blank=True)
    confirmed_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("确认人")
    )
    confirmed_at = models.DateTimeField(_("确认时间"), auto_now_add=True)

    class Meta:
        ordering = ["-year"]
        verbose_name = _("年度服务确认")
        verbose_name_plural = _("年度服务确认")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "report_in", "year"], name="one_confirmation_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.report_in} {self.year}"

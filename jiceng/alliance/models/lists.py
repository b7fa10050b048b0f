"""The three lists (三张清单): needs, resources, and the projects that pair them.

Assessment reads needs resolved and their ratings from these rows, so `resolved_at`,
`rating` and `rated_at` are kept exactly as they happened and never recomputed.
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ListCategory(models.TextChoices):
    ELDERLY = "elderly", _("助老服务")
    CHILDREN = "children", _("儿童关爱")
    HEALTH = "health", _("医疗健康")
    CULTURE = "culture", _("文体活动")
    EDUCATION = "education", _("教育培训")
    ENVIRONMENT = "environment", _("环境卫生")
    SAFETY = "safety", _("平安建设")
    EMPLOYMENT = "employment", _("就业帮扶")
    LEGAL = "legal", _("法律服务")
    VENUE = "venue", _("场地设施")
    OTHER = "other", _("其他")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("一般")
    SOON = "soon", _("较急")
    URGENT = "urgent", _("紧急")


class NeedSource(models.TextChoices):
    RESIDENT = "resident", _("居民提出")
    COMMUNITY = "community", _("社区提出")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("待认领")
    IN_PROGRESS = "in_progress", _("办理中")
    RESOLVED = "resolved", _("已解决")
    WITHDRAWN = "withdrawn", _("已撤回")


_RATING_OK = Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5)


class Need(models.Model):
    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    community = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="needs", verbose_name=_("社区")
    )
    title = models.CharField(_("需求"), max_length=200)
    description = models.TextField(_("详细说明"), blank=True)
    category = models.CharField(_("类别"), max_length=12, choices=ListCategory.choices)
    urgency = models.CharField(_("紧急程度"), max_length=8, choices=Urgency.choices, default=Urgency.NORMAL)
    source = models.CharField(_("来源"), max_length=10, choices=NeedSource.choices)
    requester = models.ForeignKey(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="needs",
        verbose_name=_("提出居民"),
    )
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    filed_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("提出时间"), auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(_("解决时间"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("满意度（1–5）"), null=True, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("需求")
        verbose_name_plural = _("需求清单")
        constraints = [models.CheckConstraint(condition=_RATING_OK, name="need_rating_1_5")]

    def __str__(self) -> str:
        return self.title

    @property
    def point(self) -> tuple[float, float] | None:
        """Where the need is: its own coordinates, else its community's centre."""
        if self.lon is not None and self.lat is not None:
            return self.lon, self.lat
        if self.community.lon is not None and self.community.lat is not None:
            return self.community.lon, self.community.lat
        return None


class Resource(models.Model):
    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    community = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="resources", verbose_name=_("所在社区")
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="alliance_resources",
        verbose_name=_("提供单位"),
    )
    title = models.CharField(_("资源"), max_length=200)
    description = models.TextField(_("详细说明"), blank=True)
    category = models.CharField(_("类别"), max_length=12, choices=ListCategory.choices)
    amount = models.CharField(_("数量/频次"), max_length=100, blank=True)
    lon = models.FloatField(_("经度"), null=True, blank=True)
    lat = models.FloatField(_("纬度"), null=True, blank=True)
    is_active = models.BooleanField(_("可提供"), default=True)
    filed_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("登记人")
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("资源")
        verbose_name_plural = _("资源清单")

    def __str__(self) -> str:
        return self.title

    @property
    def point(self) -> tuple[float, float] | None:
        if self.lon is not None and self.lat is not None:
            return self.lon, self.lat
        if self.community.lon is not None and self.community.lat is not None:
            return self.community.lon, self.community.lat
        return None


class ProjectStatus(models.TextChoices):
    ONGOING = "ongoing", _("实施中")
    CLOSED = "closed", _("已结项")


class Project(models.Model):
    """A need paired with the resources that meet it (项目清单)."""

    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    need = models.ForeignKey(Need, on_delete=models.PROTECT, related_name="projects", verbose_name=_("需求"))
    resources = models.ManyToManyField(
        Resource, through="ProjectResource", related_name="projects", verbose_name=_("资源")
    )
    title = models.CharField(_("项目"), max_length=200)
    owner = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="alliance_projects",
        verbose_name=_("牵头单位"),
    )
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("计划完成日期"))
    status = models.CharField(
        _("状态"), max_length=8, choices=ProjectStatus.choices, default=ProjectStatus.ONGOING
    )
    closure_note = models.TextField(_("结项说明"), blank=True)
    closed_at = models.DateTimeField(_("结项时间"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(_("需求方评价（1–5）"), null=True, blank=True)
    rating_comment = models.CharField(_("评价意见"), max_length=200, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["status", "-created_at"]
        verbose_name = _("项目")
        verbose_name_plural = _("项目清单")
        constraints = [
            models.CheckConstraint(condition=_RATING_OK, name="project_rating_1_5"),
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="project_timeline"),
        ]

    def __str__(self) -> str:
        return self.title


class ProjectResource(models.Model):
    """A resource a project uses: the table Django made for `Project.resources`, kept, with the district."""

    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    project = models.ForeignKey(Project, on_delete=models.CASCADE)
    resource = models.ForeignKey(Resource, on_delete=models.CASCADE)

    class Meta:
        db_table = "alliance_project_resources"
        constraints = [
            models.UniqueConstraint(fields=["district", "project", "resource"], name="project_resource_once")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} → {self.resource_id}"

"""Community workers and their append-only records: hire, placement, leaving, grade changes,
qualifications and the yearly assessment result. The current grade is derived, never typed."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiceng.workforce.models.settings import Level, Post


class CommunityWorker(models.Model):
    """A person of `people` employed as a community worker; the login holds the worker role in `core`.

    `community`, `post` and `left_on` mirror the latest placement and leaving records (`WorkerEvent`),
    written by the same services in the same transaction, so lists can filter by scope.
    """

    district = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="worker_records", verbose_name=_("居民")
    )
    user = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("账号")
    )
    community = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="community_workers",
        verbose_name=_("所在社区"),
    )
    post = models.CharField(_("岗位"), max_length=10, choices=Post.choices)
    hired_on = models.DateField(_("入职日期"))
    left_on = models.DateField(_("离职日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["community__code", "post", "person__name"]
        verbose_name = _("社区工作者")
        verbose_name_plural = _("社区工作者")
        constraints = [
            models.UniqueConstraint(fields=["district", "person"], name="one_worker_record_per_person"),
        ]

    def __str__(self) -> str:
        return self.person.name

    @property
    def is_active(self) -> bool:
        return self.left_on is None


class EventKind(models.TextChoices):
    HIRE = "hire", _("入职")
    PLACEMENT = "placement", _("岗位/社区调整")
    LEAVE = "leave", _("离职")


class WorkerEvent(models.Model):
    """Hiring, placement (community and post) and leaving: appended, never edited."""

    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    worker = models.ForeignKey(CommunityWorker, on_delete=models.PROTECT, related_name="events")
    kind = models.CharField(_("事项"), max_length=10, choices=EventKind.choices)
    on = models.DateField(_("日期"))
    community = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", null=True)
    post = models.CharField(_("岗位"), max_length=10, choices=Post.choices, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["on", "id"]
        verbose_name = _("人事记录")
        verbose_name_plural = _("人事记录")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.on}"


class Cause(models.TextChoices):
    SENIORITY = "seniority", _("工作年限晋级")
    QUALIFICATION = "qualification", _("取得职业资格")
    ASSESSMENT = "assessment", _("考核优秀晋级")
    CORRECTION = "correction", _("更正")


class GradeChange(models.Model):
    """A step of grades (up, or down by correction only). The grade is the post's bottom plus the steps,
    kept within the post's range; `grade_after` is the grade this change produced, for reading."""

    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    worker = models.ForeignKey(CommunityWorker, on_delete=models.PROTECT, related_name="grade_changes")
    cause = models.CharField(_("原因"), max_length=15, choices=Cause.choices)
    delta = models.SmallIntegerField(_("变动级数"))
    grade_after = models.PositiveSmallIntegerField(_("变动后等级"))
    effective_on = models.DateField(_("生效日期"))
    year = models.PositiveSmallIntegerField(_("年度"))
    note = models.CharField(_("说明"), max_length=200, blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["effective_on", "id"]
        verbose_name = _("等级变动")
        verbose_name_plural = _("等级变动")
        constraints = [
            # The yearly promotion run appends at most one seniority and one assessment step per year.
            models.UniqueConstraint(
                fields=["district", "worker", "year", "cause"],
                condition=models.Q(cause__in=["seniority", "assessment"]),
                name="one_yearly_step_per_cause",
            ),
            models.CheckConstraint(
                condition=models.Q(cause="correction") | models.Q(delta__gt=0),
                name="only_corrections_go_down",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_cause_display()} {self.delta:+d}"


class Qualification(models.Model):
    """A national social-work qualification held by a worker, with its certificate."""

    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    worker = models.ForeignKey(CommunityWorker, on_delete=models.PROTECT, related_name="qualifications")
    level = models.CharField(_("等级"), max_length=15, choices=Level.choices)
    cert_number = models.CharField(_("证书编号"), max_length=40)
    issued_on = models.DateField(_("取得日期"))
    scan = models.FileField(_("证书扫描件"), upload_to="workforce/certificates/", blank=True)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["issued_on", "id"]
        verbose_name = _("社会工作者职业资格")
        verbose_name_plural = _("社会工作者职业资格")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "worker", "level"], name="one_qualification_per_level"
            )
        ]

    def __str__(self) -> str:
        return str(self.get_level_display())


class Result(models.TextChoices):
    EXCELLENT = "excellent", _("优秀")
    PASS = "pass", _("合格")
    BASIC = "basic", _("基本合格")
    FAIL = "fail", _("不合格")


PASSING = {Result.EXCELLENT, Result.PASS}


class AssessmentResult(models.Model):
    """A worker's yearly assessment result, recorded by the subdistrict (later fed by the assessment app)."""

    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    worker = models.ForeignKey(CommunityWorker, on_delete=models.PROTECT, related_name="assessments")
    year = models.PositiveSmallIntegerField(_("年度"))
    result = models.CharField(_("考核结果"), max_length=10, choices=Result.choices)
    created_by = models.ForeignKey("core.User", on_delete=models.PROTECT, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("年度考核结果")
        verbose_name_plural = _("年度考核结果")
        constraints = [
            models.UniqueConstraint(fields=["district", "worker", "year"], name="one_result_per_year")
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.get_result_display()}"

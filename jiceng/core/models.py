"""Users, the roles they hold, and the audit trail of what administrators changed."""

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from jiceng.core import crypto
from jiceng.regions.models import Level


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", _("区级管理员")
    SUBDISTRICT_ADMIN = "subdistrict_admin", _("街道管理员")
    COMMUNITY_WORKER = "community_worker", _("社区工作者")
    GRID_WORKER = "grid_worker", _("网格员")
    UNIT_OPERATOR = "unit_operator", _("单位操作员")
    RESIDENT = "resident", _("居民")


# The region level each role is bound to; a unit operator is bound to an organisation.
ROLE_LEVEL = {
    Role.DISTRICT_ADMIN: Level.DISTRICT,
    Role.SUBDISTRICT_ADMIN: Level.SUBDISTRICT,
    Role.COMMUNITY_WORKER: Level.COMMUNITY,
    Role.GRID_WORKER: Level.GRID,
    Role.RESIDENT: Level.COMMUNITY,
}
# When a user holds several roles, the home page follows the widest one.
ROLE_RANK = [
    Role.DISTRICT_ADMIN,
    Role.SUBDISTRICT_ADMIN,
    Role.COMMUNITY_WORKER,
    Role.GRID_WORKER,
    Role.UNIT_OPERATOR,
    Role.RESIDENT,
]


class User(AbstractUser):
    phone = models.CharField(_("手机号"), max_length=20, unique=True, null=True, blank=True)
    person = models.OneToOneField(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="user",
        verbose_name=_("居民"),
    )
    display_name = models.CharField(_("姓名"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    AUDIT_NAME_FIELDS = ("display_name",)

    def __str__(self) -> str:
        return crypto.name_label(self.display_name) if self.display_name else self.username


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="grants", verbose_name=_("用户"))
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("区划"),
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("组织"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("角色授权")
        verbose_name_plural = _("角色授权")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role", "region", "organization"], name="role_grant_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.region or self.organization}"

    def clean(self) -> None:
        if self.role == Role.UNIT_OPERATOR:
            if self.organization_id is None:
                raise ValidationError(_("单位操作员必须绑定一个组织"))
            return
        level = ROLE_LEVEL[Role(self.role)]
        if self.region is None or self.region.level != level:
            raise ValidationError(
                _("%(role)s 必须绑定到%(level)s级区划")
                % {"role": Role(self.role).label, "level": Level(level).label}
            )


class AuditLog(models.Model):
    actor = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("操作人")
    )
    action = models.CharField(_("操作"), max_length=60)
    target_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    target_id = models.CharField(_("对象编号"), max_length=40, blank=True)
    target_repr = models.CharField(_("对象"), max_length=200, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    ip = models.GenericIPAddressField(_("地址"), null=True, blank=True)
    at = models.DateTimeField(_("时间"), auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor} {self.action} {self.target_repr}"


class LoginFailure(models.Model):
    """One failed login; counted per account and per address inside a sliding window."""

    key = models.CharField(max_length=200, db_index=True)
    at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("登录失败记录")
        verbose_name_plural = _("登录失败记录")

    def __str__(self) -> str:
        return f"{self.key} {self.at}"


class ImportJob(models.Model):
    """A file import run by the task-queue worker, so the page can show its progress.

    The uploaded file is kept on the row, so that a job whose worker died is run again
    from the same bytes (`core/jobs.py`); the import itself writes in one transaction,
    so an interrupted attempt leaves nothing behind.
    """

    class Status(models.TextChoices):
        RUNNING = "running", _("进行中")
        DONE = "done", _("已完成")
        REJECTED = "rejected", _("被拒绝")
        FAILED = "failed", _("出错")

    kind = models.CharField(_("类型"), max_length=40)
    filename = models.CharField(_("文件名"), max_length=200)
    status = models.CharField(_("状态"), max_length=10, choices=Status.choices, default=Status.RUNNING)
    stage = models.CharField(_("阶段"), max_length=40, blank=True)
    total = models.IntegerField(_("总行数"), default=0)
    done = models.IntegerField(_("已处理"), default=0)
    errors = models.JSONField(_("错误"), default=list, blank=True)
    summary = models.JSONField(_("结果"), default=dict, blank=True)
    created_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+", verbose_name=_("导入人"))
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("导入范围")
    )
    data = models.BinaryField(_("上传的文件"), default=b"", editable=False)
    attempts = models.IntegerField(_("已尝试次数"), default=0)
    heartbeat_at = models.DateTimeField(_("最近进展"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")

    def __str__(self) -> str:
        return f"{self.kind} {self.filename}"

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else (100 if self.status != "running" else 0)

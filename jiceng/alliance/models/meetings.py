"""Joint meetings and symposia, and what comes out of them: resolutions and tracked actions."""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class MeetingKind(models.TextChoices):
    JOINT = "joint", _("联席会")
    SYMPOSIUM = "symposium", _("双月座谈会")
    OTHER = "other", _("其他会议")


class MeetingStatus(models.TextChoices):
    PROPOSED = "proposed", _("拟定，待确认")
    SCHEDULED = "scheduled", _("已确定")
    HELD = "held", _("已召开")
    CANCELLED = "cancelled", _("已取消")


class Meeting(models.Model):
    alliance = models.ForeignKey(
        "alliance.Alliance", on_delete=models.PROTECT, related_name="meetings", verbose_name=_("联盟")
    )
    kind = models.CharField(_("会议类型"), max_length=10, choices=MeetingKind.choices)
    title = models.CharField(_("会议名称"), max_length=200)
    scheduled_at = models.DateTimeField(_("会议时间"), db_index=True)
    place = models.CharField(_("会议地点"), max_length=200, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    proposed_by_system = models.BooleanField(_("系统自动拟定"), default=False)
    minutes = models.TextField(_("会议纪要"), blank=True)
    created_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-scheduled_at"]
        verbose_name = _("会议")
        verbose_name_plural = _("会议")

    def __str__(self) -> str:
        return self.title

    @property
    def is_pending(self) -> bool:
        return self.status in (MeetingStatus.PROPOSED, MeetingStatus.SCHEDULED)

    def has_begun(self, now: dt.datetime | None = None) -> bool:
        """True from the meeting's day on: attendance, minutes and resolutions can be recorded."""
        now = now or timezone.now()
        return timezone.localdate(self.scheduled_at) <= timezone.localdate(now)


class Attendance(models.TextChoices):
    INVITED = "invited", _("已邀请")
    PRESENT = "present", _("出席")
    EXCUSED = "excused", _("请假")
    ABSENT = "absent", _("缺席")


class Reply(models.TextChoices):
    NONE = "", _("未答复")
    COMING = "coming", _("确认参会")
    ABSENT = "absent", _("请假")


class Invitation(models.Model):
    """A member organisation invited to a meeting, its own answer beforehand, and whether it came."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="invitations")
    member = models.ForeignKey(
        "alliance.AllianceMember",
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("成员单位"),
    )
    attendance = models.CharField(
        _("出席情况"), max_length=10, choices=Attendance.choices, default=Attendance.INVITED
    )
    representative = models.CharField(_("参会人"), max_length=50, blank=True)
    invited_at = models.DateTimeField(auto_now_add=True)
    # The member's own answer before the meeting; what happened on the day is `attendance`.
    reply = models.CharField(_("答复"), max_length=8, choices=Reply.choices, blank=True, default="")
    reply_reason = models.CharField(_("请假原因"), max_length=200, blank=True)
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    replied_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # Set only by the on-site check-in (the rotating QR): the one way an invitation becomes present.
    checked_in_at = models.DateTimeField(_("现场签到时间"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["member__kind", "member__organization__name"]
        verbose_name = _("会议邀请")
        verbose_name_plural = _("会议邀请")
        constraints = [
            models.UniqueConstraint(fields=["meeting", "member"], name="one_invitation_per_member")
        ]

    def __str__(self) -> str:
        return f"{self.meeting} · {self.member}"


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveIntegerField(_("序号"))
    title = models.CharField(_("议题"), max_length=200)
    proposer = models.ForeignKey(
        "alliance.AllianceMember",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提出单位"),
    )
    notes = models.TextField(_("说明"), blank=True)
    proposed_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )  # set when a member proposed the item itself before the meeting

    class Meta:
        ordering = ["meeting", "position"]
        verbose_name = _("议题")
        verbose_name_plural = _("议题")

    def __str__(self) -> str:
        return self.title


class Resolution(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="resolutions")
    agenda_item = models.ForeignKey(
        AgendaItem,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="resolutions",
        verbose_name=_("议题"),
    )
    number = models.PositiveIntegerField(_("序号"))
    text = models.TextField(_("决议内容"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["meeting", "number"]
        verbose_name = _("决议")
        verbose_name_plural = _("决议")
        constraints = [models.UniqueConstraint(fields=["meeting", "number"], name="resolution_number")]

    def __str__(self) -> str:
        return f"{self.meeting} 决议{self.number}"


class Track(models.TextChoices):
    JOINT_CONSULTATION = "joint_consultation", _("事务联商")
    JOINT_BUILDING = "joint_building", _("组织联建")
    JOINT_ACTIVITY = "joint_activity", _("活动联办")
    JOINT_SAFETY = "joint_safety", _("平安联创")


class ActionStatus(models.TextChoices):
    OPEN = "open", _("推进中")
    DONE = "done", _("已办结")


class RatingSource(models.TextChoices):
    RESIDENTS = "residents", _("服务对象居民评价")
    COMMUNITY = "community", _("受益社区评价")


class ActionQuerySet(models.QuerySet):
    def overdue(self, today: dt.date | None = None) -> "ActionQuerySet":
        return self.filter(status=ActionStatus.OPEN, due_on__lt=today or timezone.localdate())


class Action(models.Model):
    """One tracked task (任务) that a resolution became."""

    alliance = models.ForeignKey(
        "alliance.Alliance", on_delete=models.PROTECT, related_name="actions", verbose_name=_("联盟")
    )
    resolution = models.ForeignKey(
        Resolution, on_delete=models.PROTECT, related_name="actions", verbose_name=_("决议")
    )
    track = models.CharField(_("类别"), max_length=20, choices=Track.choices)
    title = models.CharField(_("任务"), max_length=200)
    description = models.TextField(_("说明"), blank=True)
    owner = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        related_name="alliance_actions",
        verbose_name=_("责任单位"),
    )
    due_on = models.DateField(_("完成时限"), db_index=True)
    served_community = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("服务社区"),
    )
    status = models.CharField(
        _("状态"), max_length=8, choices=ActionStatus.choices, default=ActionStatus.OPEN
    )
    progress = models.PositiveSmallIntegerField(_("进度（%）"), default=0)
    result = models.TextField(_("办理结果"), blank=True)
    rating = models.PositiveSmallIntegerField(_("评价（1–5）"), null=True, blank=True)
    rating_source = models.CharField(_("评价方"), max_length=10, choices=RatingSource.choices, blank=True)
    rated_at = models.DateTimeField(_("评价时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["status", "due_on", "id"]
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__isnull=True) | Q(rating__gte=1, rating__lte=5), name="action_rating_1_5"
            ),
            models.CheckConstraint(
                condition=~Q(status="done") | (Q(rating__isnull=False) & ~Q(result="")),
                name="action_done_has_result_and_rating",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def is_overdue(self, today: dt.date | None = None) -> bool:
        return self.status == ActionStatus.OPEN and self.due_on < (today or timezone.localdate())


class ActionUpdate(models.Model):
    action = models.ForeignKey(Action, on_delete=models.CASCADE, related_name="updates")
    text = models.TextField(_("进展"))
    progress = models.PositiveSmallIntegerField(_("进度（%）"))
    author = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("填报人")
    )
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("任务进展")
        verbose_name_plural = _("任务进展")

    def __str__(self) -> str:
        return self.text[:30]

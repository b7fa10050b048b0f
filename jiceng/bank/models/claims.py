"""Earning rules, deed claims, reviews, the public notice board and objections."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from jiceng.bank.models.ledger import is_set


class Category(models.TextChoices):
    HELPING = "helping", _("助人为乐")
    BRAVERY = "bravery", _("见义勇为")
    HONESTY = "honesty", _("诚实守信")
    DEDICATION = "dedication", _("敬业奉献")
    FILIAL = "filial", _("孝老爱亲")
    VOLUNTEER = "volunteer", _("志愿服务")
    NEIGHBOUR = "neighbour", _("邻里互助")
    ENVIRONMENT = "environment", _("环境保护")
    PATROL = "patrol", _("平安巡逻")


class PointsMode(models.TextChoices):
    FIXED = "fixed", _("按次固定积分")
    PER_HOUR = "per_hour", _("按服务小时")


class Evidence(models.TextChoices):
    NONE = "none", _("无需")
    PHOTO = "photo", _("照片")
    WITNESS = "witness", _("证明人")
    CHECKIN = "checkin", _("现场签到")


class EarningRule(models.Model):
    """One version of a rule. Editing writes a new version; claims keep the version and points they got."""

    district = models.ForeignKey(  # its composite unique constraint leads with it
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区"), db_index=False
    )
    subdistrict = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("街道（本地规则）"),
    )
    code = models.CharField(_("规则编号"), max_length=40)
    version = models.PositiveIntegerField(_("版本"), default=1)
    category = models.CharField(_("类别"), max_length=12, choices=Category.choices)
    name = models.CharField(_("名称"), max_length=100)
    description = models.TextField(_("说明"), blank=True)
    points_mode = models.CharField(
        _("计分方式"), max_length=10, choices=PointsMode.choices, default=PointsMode.FIXED
    )
    points = models.PositiveIntegerField(_("积分"))
    cap_month = models.PositiveIntegerField(_("每人每月上限"), null=True, blank=True)
    cap_year = models.PositiveIntegerField(_("每人每年上限"), null=True, blank=True)
    evidence = models.CharField(_("所需证明"), max_length=10, choices=Evidence.choices, default=Evidence.NONE)
    second_review_above = models.PositiveIntegerField(
        _("超过此积分需两人审核"),
        null=True,
        blank=True,
        help_text=_("留空表示一人审核即可；填 0 表示总是两人审核"),
    )
    charter = models.ForeignKey(
        "charters.Charter",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="earning_rules",
        verbose_name=_("依据的章程公约"),
    )
    charter_article = models.CharField(_("条款"), max_length=40, blank=True)
    active_from = models.DateField(_("生效日期"))
    active_to = models.DateField(_("失效日期"), null=True, blank=True)
    is_current = models.BooleanField(_("当前版本"), default=True)
    created_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["category", "code", "-version"]
        verbose_name = _("积分规则")
        verbose_name_plural = _("积分规则")
        constraints = [
            models.UniqueConstraint(fields=["district", "code", "version"], name="rule_version_unique"),
            models.UniqueConstraint(
                fields=["district", "code"],
                condition=models.Q(is_current=True),
                name="one_current_rule_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.points_label}）"

    @property
    def points_label(self) -> str:
        if self.points_mode == PointsMode.PER_HOUR:
            return _("每小时 %(p)d 分") % {"p": self.points}
        return _("%(p)d 分") % {"p": self.points}

    @property
    def citation(self) -> str:
        """Where the rule comes from, for residents: 依据某社区《社区居民公约》第三条 ("" when it cites nothing)."""
        if self.charter_id is None:
            return ""
        return _("依据%(c)s《%(t)s》%(a)s") % {
            "c": self.charter.community.name,
            "t": self.charter.title,
            "a": self.charter_article,
        }

    def reviews_needed(self, points: int) -> int:
        if self.second_review_above is not None and points > self.second_review_above:
            return 2
        return 1


class ClaimState(models.TextChoices):
    SUBMITTED = "submitted", _("已提交")
    UNDER_REVIEW = "under_review", _("审核中")
    ON_NOTICE = "on_notice", _("公示中")
    CREDITED = "credited", _("已入账")
    REJECTED = "rejected", _("未通过")
    VOIDED = "voided", _("已作废")


class FiledMode(models.TextChoices):
    SELF = "self", _("本人申报")
    OFFICE = "office", _("社区代办")
    WITNESS = "witness", _("他人举荐")


class DeedClaim(models.Model):
    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    community = models.ForeignKey(  # claim_queue (community, state) leads with it
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"), db_index=False
    )
    claimant = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="claims", verbose_name=_("申报人")
    )
    rule = models.ForeignKey(
        EarningRule, on_delete=models.PROTECT, related_name="claims", verbose_name=_("规则")
    )
    points = models.PositiveIntegerField(_("积分"))
    minutes = models.PositiveIntegerField(_("服务时长（分钟）"), null=True, blank=True)
    deed_date = models.DateField(_("善行日期"))
    text = models.TextField(_("善行描述"))
    diary_entry = models.ForeignKey(
        "diary.DiaryEntry",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="claims",
        verbose_name=_("道德日记"),
        db_index=False,  # empty on most claims: indexed only where set (claim_diary_entry)
    )
    activity_id = models.BigIntegerField(_("活动"), null=True, blank=True)  # set when filed for an activity
    filed_by = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("提交人")
    )
    filed_mode = models.CharField(
        _("申报方式"), max_length=8, choices=FiledMode.choices, default=FiledMode.SELF
    )
    witness = models.CharField(_("证明人"), max_length=100, blank=True)
    # The claimant's own words stay between them and the reviewers unless they choose to show them.
    text_public = models.BooleanField(_("在公示栏公开描述"), default=False)
    state = models.CharField(
        _("状态"), max_length=14, choices=ClaimState.choices, default=ClaimState.SUBMITTED
    )
    reject_reason = models.CharField(_("未通过原因"), max_length=200, blank=True)
    transfer = models.OneToOneField(
        "bank.Transfer", on_delete=models.PROTECT, null=True, blank=True, related_name="claim"
    )
    created_at = models.DateTimeField(_("提交时间"), auto_now_add=True, db_index=True)
    decided_at = models.DateTimeField(_("审核完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("善行申报")
        verbose_name_plural = _("善行申报")
        indexes = [
            models.Index(fields=["community", "state"], name="claim_queue"),
            models.Index(fields=["diary_entry"], name="claim_diary_entry", condition=is_set("diary_entry")),
        ]

    def __str__(self) -> str:
        return f"{self.claimant} · {self.rule.name} · {self.points}"


class ClaimPhoto(models.Model):
    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    claim = models.ForeignKey(DeedClaim, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(upload_to="claims/%Y/%m/")

    class Meta:
        verbose_name = _("申报照片")
        verbose_name_plural = _("申报照片")

    def __str__(self) -> str:
        return self.image.name


class Review(models.Model):
    class Decision(models.TextChoices):
        APPROVE = "approve", _("通过")
        REJECT = "reject", _("不通过")

    district = models.ForeignKey(  # one_review_per_reviewer (district, claim, reviewer) leads with it
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区"), db_index=False
    )
    claim = models.ForeignKey(DeedClaim, on_delete=models.PROTECT, related_name="reviews")
    reviewer = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("审核人")
    )
    decision = models.CharField(_("结论"), max_length=8, choices=Decision.choices)
    reason = models.CharField(_("意见"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("审核")
        verbose_name_plural = _("审核")
        constraints = [
            models.UniqueConstraint(fields=["district", "claim", "reviewer"], name="one_review_per_reviewer")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} {self.get_decision_display()}"


class NoticeState(models.TextChoices):
    OPEN = "open", _("公示中")
    SETTLED = "settled", _("公示期满已入账")
    VOIDED = "voided", _("异议成立已作废")
    INFO = "info", _("公开信息")


class Notice(models.Model):
    """A line on a community's (and its subdistrict's) public notice board."""

    class Kind(models.TextChoices):
        AWARD = "award", _("积分奖励")
        DISBURSEMENT = "disbursement", _("爱心池发放")

    district = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    # the board's index (community, -starts_at) serves every lookup by community
    community = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("社区"), db_index=False
    )
    kind = models.CharField(_("类型"), max_length=14, choices=Kind.choices)
    claim = models.OneToOneField(
        DeedClaim, on_delete=models.PROTECT, null=True, blank=True, related_name="notice"
    )
    transfer = models.ForeignKey("bank.Transfer", on_delete=models.PROTECT, related_name="notices")
    # the resident the notice names (the claimant of an award, the recipient of a disbursement): the
    # assessment counts a district's year of earners from the notices alone, without joining 16M claims
    person = models.ForeignKey(
        "people.Person", on_delete=models.PROTECT, related_name="notices", verbose_name=_("居民")
    )
    masked_name = models.CharField(_("姓名"), max_length=50)
    title = models.CharField(_("事项"), max_length=200)
    points = models.PositiveIntegerField(_("积分"))
    starts_at = models.DateTimeField(_("公示开始"))
    ends_at = models.DateTimeField(_("公示截止"), db_index=True)
    state = models.CharField(_("状态"), max_length=8, choices=NoticeState.choices, default=NoticeState.OPEN)

    class Meta:
        ordering = ["-starts_at"]
        # a board reads a community's newest notices; without it, every notice of the region was read and sorted
        indexes = [models.Index(fields=["community", "-starts_at"], name="notice_board")]
        verbose_name = _("公示")
        verbose_name_plural = _("公示")

    def __str__(self) -> str:
        return f"{self.masked_name} {self.title} {self.points}"


class ObjectionState(models.TextChoices):
    OPEN = "open", _("待处理")
    UPHELD = "upheld", _("异议成立")
    DISMISSED = "dismissed", _("异议不成立")


class Objection(models.Model):
    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    notice = models.ForeignKey(Notice, on_delete=models.PROTECT, related_name="objections")
    objector = models.ForeignKey(
        "core.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("提出人")
    )
    reason = models.TextField(_("异议理由"))
    state = models.CharField(
        _("状态"), max_length=10, choices=ObjectionState.choices, default=ObjectionState.OPEN
    )
    decided_by = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("处理人"),
    )
    decision_reason = models.CharField(_("处理意见"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("异议")
        verbose_name_plural = _("异议")

    def __str__(self) -> str:
        return self.reason[:30]

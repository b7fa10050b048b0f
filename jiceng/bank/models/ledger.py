"""The Moral Bank ledger's data. Only `bank/ledger.py` writes accounts and transfers; the
transparency log's tables (leaves, nodes, checkpoints) are written by `bank/log.py`, and the
verification mark by `bank/verify.py`."""

from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


def is_set(field: str) -> Q:
    """The condition of a partial index on a foreign key that is empty on most rows: such an index
    holds only the rows where it is set, so the many inserts that leave it empty never touch it,
    and a lookup of one value still uses it (`x = v` implies `x IS NOT NULL`, on both databases)."""
    return Q(**{f"{field}__isnull": False})


class AccountKind(models.TextChoices):
    WALLET = "wallet", _("居民积分账户")
    ISSUANCE = "issuance", _("社区积分发行账户")
    LOVE_POOL = "love_pool", _("社区爱心池")
    PARTNER = "partner", _("道德联盟单位账户")
    DISTRICT = "district", _("区级账户")


# Issuance accounts may run negative (that is what issuing means) and carry no cached
# balance, so awards never queue behind one hot row; their balance is summed on demand.
UNCACHED_KINDS = {AccountKind.ISSUANCE}
MAY_GO_NEGATIVE = {AccountKind.ISSUANCE}


class Account(models.Model):
    district = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区")
    )
    kind = models.CharField(_("类型"), max_length=12, choices=AccountKind.choices)
    person = models.OneToOneField(
        "people.Person",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="wallet",
        verbose_name=_("居民"),
    )
    community = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("社区"),
    )
    organization = models.ForeignKey(
        "orgs.Organization",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("单位"),
    )
    name = models.CharField(_("名称"), max_length=120)
    # Cached balances, kept equal to the sum of transfers by ledger.py and proved by `ledger verify`.
    posted = models.BigIntegerField(_("已入账"), default=0)
    pending_in = models.BigIntegerField(_("待入账"), default=0)
    pending_out = models.BigIntegerField(_("冻结中"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("积分账户")
        verbose_name_plural = _("积分账户")
        constraints = [
            models.UniqueConstraint(
                fields=["district", "kind", "community"],
                condition=Q(kind__in=["issuance", "love_pool"]),
                name="one_pool_per_community",
            ),
            models.UniqueConstraint(
                fields=["district", "organization"],
                condition=Q(kind="partner"),
                name="one_account_per_partner",
            ),
            models.UniqueConstraint(
                fields=["district", "name"], condition=Q(kind="district"), name="district_account_name"
            ),
            models.CheckConstraint(
                condition=Q(kind="issuance") | Q(posted__gte=F("pending_out")), name="account_never_overdrawn"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def available(self) -> int:
        """Points that can be spent now: posted points less those held by pending spends."""
        return self.posted - self.pending_out


class TransferKind(models.TextChoices):
    AWARD = "award", _("奖励")
    REDEMPTION = "redemption", _("兑换")
    DONATION = "donation", _("捐赠")
    DISBURSEMENT = "disbursement", _("爱心池发放")
    REVERSAL = "reversal", _("冲正")
    ADJUSTMENT = "adjustment", _("调整")


class TransferState(models.TextChoices):
    PENDING = "pending", _("待定")
    POSTED = "posted", _("已入账")
    VOIDED = "voided", _("已作废")


class Transfer(models.Model):
    district = models.ForeignKey(  # the unique (district, key) index leads with it
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name=_("区"), db_index=False
    )
    key = models.CharField(_("幂等键"), max_length=120)
    payload_hash = models.CharField(max_length=64)
    # Indexed by transfer_debit_recent and transfer_credit_recent, which lead with them.
    debit = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="debits", verbose_name=_("转出账户"), db_index=False
    )
    credit = models.ForeignKey(
        Account, on_delete=models.PROTECT, related_name="credits", verbose_name=_("转入账户"), db_index=False
    )
    amount = models.BigIntegerField(_("积分"))
    kind = models.CharField(_("类型"), max_length=14, choices=TransferKind.choices)
    state = models.CharField(_("状态"), max_length=8, choices=TransferState.choices)
    reason = models.CharField(_("事由"), max_length=200)
    operator = models.ForeignKey(
        "core.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("经办人"),
        db_index=False,  # empty on batch and system transfers: indexed only where set (transfer_operator)
    )
    cause_type = models.CharField(_("来源类型"), max_length=60, blank=True)
    cause_id = models.CharField(_("来源编号"), max_length=40, blank=True)
    reverses = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reversals",
        verbose_name=_("冲正对象"),
        db_index=False,  # set only on reversals: indexed only where set (transfer_reverses)
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True, db_index=True)
    resolved_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("积分流水")
        verbose_name_plural = _("积分流水")
        indexes = [
            models.Index(fields=["debit", "-id"], name="transfer_debit_recent"),
            models.Index(fields=["credit", "-id"], name="transfer_credit_recent"),
            models.Index(fields=["cause_type", "cause_id"], name="transfer_cause"),
            models.Index(fields=["operator"], name="transfer_operator", condition=is_set("operator")),
            models.Index(fields=["reverses"], name="transfer_reverses", condition=is_set("reverses")),
        ]
        constraints = [
            models.UniqueConstraint(fields=["district", "key"], name="transfer_key_unique_per_district"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_amount_positive"),
            models.CheckConstraint(condition=~Q(debit=F("credit")), name="transfer_between_two_accounts"),
            models.UniqueConstraint(
                fields=["district", "reverses"], condition=Q(kind="reversal"), name="reversed_once"
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.get_kind_display()} {self.amount}"


class LogLeaf(models.Model):
    """One leaf of the district's append-only Merkle log: a transfer in its final state."""

    # leaf_index_unique (district, index) leads with the district
    district = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False)
    index = models.BigIntegerField()
    transfer = models.OneToOneField(Transfer, on_delete=models.PROTECT, related_name="leaf")
    leaf_hash = models.BinaryField(max_length=32)

    class Meta:
        verbose_name = _("日志叶子")
        verbose_name_plural = _("日志叶子")
        constraints = [models.UniqueConstraint(fields=["district", "index"], name="leaf_index_unique")]

    def __str__(self) -> str:
        return f"{self.index}"


class LogQueue(models.Model):
    """A final transfer waiting for its leaf: the database adds the row itself, by a trigger on
    `bank_transfer`, in the transaction that made the transfer posted or voided, and `log.checkpoint`
    removes it when it writes the leaf. So a checkpoint finds its new transfers without comparing
    every transfer with every leaf (`verify --full` still does that, as the backstop)."""

    # unindexed: the queue holds minutes of transfers, and every transfer would pay for the index
    district = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False)
    # No foreign-key constraint: only the trigger writes this column, from the transfer row it fires
    # for, in the same statement, and transfers are never deleted. The constraint's check of every
    # queued row at commit cost a batch award of 100k transfers about 0.3 s, for nothing it could catch.
    transfer = models.OneToOneField(
        Transfer, on_delete=models.CASCADE, related_name="log_queue", db_constraint=False
    )
    resolved_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("待入日志的流水")
        verbose_name_plural = _("待入日志的流水")

    def __str__(self) -> str:
        return f"{self.transfer_id}"


class Checkpoint(models.Model):
    """A signed tree head (C2SP tlog-checkpoint), published on the notice board."""

    # checkpoint_size_unique (district, size) leads with the district
    district = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False)
    size = models.BigIntegerField(_("日志条数"))
    root_hash = models.BinaryField(_("根哈希"), max_length=32)
    note = models.TextField(_("签名检查点"))
    peaks = models.JSONField(default=list)  # the frontier, so the next append needn't reread every leaf
    created_at = models.DateTimeField(_("时间"), auto_now_add=True)

    class Meta:
        ordering = ["-size"]
        verbose_name = _("检查点")
        verbose_name_plural = _("检查点")
        constraints = [models.UniqueConstraint(fields=["district", "size"], name="checkpoint_size_unique")]

    def __str__(self) -> str:
        return f"{self.size}"

    @property
    def root_hex(self) -> str:
        return bytes(self.root_hash).hex()


class LogNode(models.Model):
    """A complete interior node of the district's log tree, on every `log.NODE_STRIDE`-th level.

    `level` is the subtree's height (leaves are height 0, in `LogLeaf`), `index` its position
    on that level: the root of leaves `[index·2^level, (index+1)·2^level)`. Such a node never
    changes once its leaves exist, so any worker answers proofs from these rows.
    """

    # log_node_unique (district, level, index) leads with the district
    district = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False)
    level = models.PositiveSmallIntegerField()
    index = models.BigIntegerField()
    hash = models.BinaryField(max_length=32)

    class Meta:
        verbose_name = _("日志树节点")
        verbose_name_plural = _("日志树节点")
        constraints = [
            models.UniqueConstraint(fields=["district", "level", "index"], name="log_node_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.level}/{self.index}"


class VerifyMark(models.Model):
    """What the last passing `ledger verify` established, so the next one starts from there.

    The log's first `size` leaves (committed to by the signed checkpoint of that size and
    `root_hash`) were re-derived from their transfers, and `balances` holds each account's
    posted sum over exactly those transfers. Every other transfer has an id above
    `transfer_id` or is listed in `open_ids`. `seal` is an HMAC under a key derived from the
    signing key, so the mark cannot be rewritten to hide an edit without that key.
    """

    district = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")
    size = models.BigIntegerField(_("已核验日志条数"))
    root_hash = models.BinaryField(max_length=32)
    transfer_id = models.BigIntegerField(_("已核验流水编号上限"))
    open_ids = models.JSONField(default=list)  # transfers ≤ transfer_id not in the first `size` leaves
    balances = models.BinaryField()  # (account id, posted) int64 pairs, by account id
    seal = models.CharField(max_length=64)
    full_at = models.DateTimeField(_("上次全量核验"))
    verified_at = models.DateTimeField(_("核验时间"))

    class Meta:
        verbose_name = _("核验标记")
        verbose_name_plural = _("核验标记")
        constraints = [models.UniqueConstraint(fields=["district"], name="verify_mark_per_district")]

    def __str__(self) -> str:
        return f"{self.size}"

"""`jiceng ledger verify`: prove the cached balances and the transparency log from the transfers."""

import datetime as dt
from collections import defaultdict
from collections.abc import Callable

from django.db.models import F, Sum
from django.utils import timezone

from jiceng import transparency
from jiceng.bank import log
from jiceng.bank.models import (
    MAY_GO_NEGATIVE,
    UNCACHED_KINDS,
    Account,
    Checkpoint,
    Donation,
    LogLeaf,
    Notice,
    Redemption,
    Transfer,
    TransferState,
)
from jiceng.regions.models import Region


def recompute(district_id: int, account_ids: list[int] | None = None) -> dict[int, tuple[int, int, int]]:
    """(posted, pending_in, pending_out) per account, summed from transfers in a few grouped queries."""
    sums: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    base = Transfer.objects.filter(district_id=district_id)
    if account_ids is not None:
        debits = base.filter(debit_id__in=account_ids)
        credits = base.filter(credit_id__in=account_ids)
    else:
        debits = credits = base
    for acc, state, total in debits.values_list("debit_id", "state").annotate(t=Sum("amount")).order_by():
        if state == TransferState.POSTED:
            sums[acc][0] -= total
        elif state == TransferState.PENDING:
            sums[acc][2] += total
    for acc, state, total in credits.values_list("credit_id", "state").annotate(t=Sum("amount")).order_by():
        if state == TransferState.POSTED:
            sums[acc][0] += total
        elif state == TransferState.PENDING:
            sums[acc][1] += total
    return {k: tuple(v) for k, v in sums.items()}


def verify_district(
    district: Region, progress: Callable[[str], None] | None = None, *, now: dt.datetime | None = None
) -> tuple[list[str], dict]:
    """Every mismatch as a sentence a person can act on, plus figures about what was checked.

    Each check compares two records that are written separately, so each can fail: cached
    balances against the transfers, issuance against what the wallets and pools hold, the
    amounts the bank's records promised against their transfers, the log against the
    transfers, and the signed checkpoints against the log.
    """
    say = progress or (lambda _msg: None)
    problems: list[str] = []
    say("汇总积分流水")
    sums = recompute(district.pk)

    say("核对账户余额")
    accounts = 0
    held = issued = 0  # cached points held by wallets, pools and partners; points the communities issued
    for acc in (
        Account.objects.filter(district=district)
        .only("id", "name", "kind", "posted", "pending_in", "pending_out")
        .iterator(chunk_size=20_000)
    ):
        accounts += 1
        posted, p_in, p_out = sums.get(acc.pk, (0, 0, 0))
        cached = (acc.posted, acc.pending_in, acc.pending_out)
        if acc.kind in UNCACHED_KINDS:
            issued -= posted
            if cached != (0, 0, 0):
                problems.append(
                    f"发行账户 #{acc.pk} {acc.name}：不应有缓存余额，实际为 (已入账 {acc.posted}, "
                    f"待入账 {acc.pending_in}, 冻结 {acc.pending_out})：余额被绕过账本改动过"
                )
        else:
            held += acc.posted
            if cached != (posted, p_in, p_out):
                problems.append(
                    f"账户 #{acc.pk} {acc.name}：缓存余额 (已入账 {acc.posted}, 待入账 {acc.pending_in}, 冻结 {acc.pending_out})"
                    f" ≠ 流水重算 (已入账 {posted}, 待入账 {p_in}, 冻结 {p_out})"
                )
        if acc.kind not in MAY_GO_NEGATIVE and posted - p_out < 0:
            problems.append(f"账户 #{acc.pk} {acc.name}：可用积分为负（{posted - p_out}）")
    if held != issued:
        problems.append(
            f"全区各账户缓存的已入账积分合计 {held} ≠ 各社区已发行积分合计 {issued}：有积分凭空出现或消失"
        )
    transfers = Transfer.objects.filter(district=district)
    foreign = (
        transfers.exclude(debit__district=district).count()
        + transfers.exclude(credit__district=district).count()
    )
    if foreign:
        problems.append(f"有 {foreign} 笔流水涉及其他区的账户")
    bad_amount = transfers.filter(amount__lte=0).count()
    if bad_amount:
        problems.append(f"有 {bad_amount} 笔流水的积分不是正数")
    same = transfers.filter(debit=F("credit")).count()
    if same:
        problems.append(f"有 {same} 笔流水转出与转入是同一账户")

    say("核对捐赠、兑换与公示的积分")
    problems += verify_records(district)

    say("核对透明日志")
    figures = {"accounts": accounts, "transfers": transfers.count()}
    problems += verify_log(district, figures, now=now)
    return problems, figures


# The bank's own records of what a transfer was for, each keeping its own copy of the points.
RECORDS = (
    (Donation, "transfer", "捐赠"),
    (Redemption, "transfer", "兑换券"),
    (Notice, "transfer", "公示"),
)


def verify_records(district: Region) -> list[str]:
    """A donation, voucher or notice states its points apart from its transfer; they must agree.

    Before a transfer is in the log, this is what catches an amount changed together with
    the balances it moved.
    """
    problems = []
    for model, field, label in RECORDS:
        wrong = (
            model.objects.filter(**{f"{field}__district": district})
            .exclude(points=F(f"{field}__amount"))
            .values_list("pk", f"{field}_id", "points", f"{field}__amount")
        )
        for pk, transfer_id, points, amount in wrong[:20]:
            problems.append(
                f"{label} #{pk} 记载 {points} 分，但它的积分流水 #{transfer_id} 是 {amount} 分：流水或记录被改动过"
            )
    return problems


def verify_log(district: Region, figures: dict, *, now: dt.datetime | None = None) -> list[str]:
    problems: list[str] = []
    checkpoints = list(Checkpoint.objects.filter(district=district).order_by("size"))
    verifier = log.verifier_key()
    rows = (
        LogLeaf.objects.filter(district=district)
        .order_by("index")
        .values_list("index", "leaf_hash", *[f"transfer__{f}" for f in log.ENTRY_FIELDS])
    )
    frontier = transparency.Frontier()
    cp_iter = iter(checkpoints)
    next_cp = next(cp_iter, None)
    leaves = 0

    def check_cp(cp: Checkpoint) -> None:
        try:
            text = transparency.open_note(cp.note, verifier)
            origin, size, root = transparency.parse_checkpoint(text)
        except transparency.VerificationError as exc:
            problems.append(f"检查点（{cp.size} 条）签名或格式无效：{exc}")
            return
        if size != cp.size or root != bytes(cp.root_hash) or origin != log.origin(district):
            problems.append(f"检查点（{cp.size} 条）的签名内容与记录不一致")
        if frontier.root() != root:
            problems.append(f"检查点（{cp.size} 条）的根哈希与日志叶子重算结果不一致：日志被改动过")

    while next_cp is not None and next_cp.size == 0:
        check_cp(next_cp)
        next_cp = next(cp_iter, None)
    for row in rows.iterator(chunk_size=20_000):
        index, stored = row[0], bytes(row[1])
        if index != leaves:
            problems.append(f"日志叶子序号不连续：期望 {leaves}，实际 {index}")
            break
        data = dict(zip(log.ENTRY_FIELDS, row[2:], strict=True))
        if data["state"] not in (TransferState.POSTED, TransferState.VOIDED):
            problems.append(f"日志叶子 {index} 对应的流水 #{data['id']} 状态为 {data['state']}，不是终态")
        expected = transparency.leaf_hash(log.leaf_entry(district.code, data))
        if expected != stored:
            problems.append(f"日志叶子 {index}（流水 #{data['id']}）与流水内容不符：流水在记入日志后被改动过")
        frontier.append(stored)
        leaves += 1
        while next_cp is not None and next_cp.size == leaves:
            check_cp(next_cp)
            next_cp = next(cp_iter, None)
    if next_cp is not None:
        problems.append(f"检查点（{next_cp.size} 条）超出了日志叶子数 {leaves}")
    if checkpoints and checkpoints[-1].size < leaves:
        problems.append(
            f"日志有 {leaves} 条叶子，但最新的签名检查点只覆盖 {checkpoints[-1].size} 条：有叶子未经签名"
        )
    waiting = log.unlogged(district).count()
    bound = log.log_within()
    late = log.unlogged(district, older_than=(now or timezone.now()) - bound).count() if waiting else 0
    if late:
        problems.append(
            f"有 {late} 笔已入账或已作废的流水超过 {bound.total_seconds() / 60:g} 分钟仍未记入透明日志："
            f"请运行 `jiceng ledger checkpoint`，并确认 cron 每分钟运行 `jiceng bank settle`"
        )
    figures.update({"leaves": leaves, "checkpoints": len(checkpoints), "awaiting_checkpoint": waiting})
    return problems

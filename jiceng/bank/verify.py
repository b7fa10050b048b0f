"""`jiceng ledger verify`: prove the cached balances and the transparency log from the transfers.

Two modes. **Full** recomputes everything from every transfer, leaf, node and checkpoint.
**Incremental** starts from the mark the last passing run left (`VerifyMark`): the log's
first `size` leaves were re-derived from their transfers then, and the mark holds each
account's posted sum over exactly those transfers, sealed with a key derived from the
signing key. Those transfers are committed to by a signed checkpoint and final, so an
incremental run re-reads only the others (created since, or open at the mark), the
leaves, nodes and checkpoints added since, and every account's cached balance against
the mark's sum plus those transfers. What it does not re-read (a transfer row below the
mark, and the leaves, nodes and records below it) is what only `--full` checks; see
docs/ARCHITECTURE.md.

Every read of one run sees one snapshot (REPEATABLE READ on PostgreSQL, one read
transaction on SQLite), so transfers written meanwhile cannot make balances disagree.
"""

import datetime as dt
import hashlib
import hmac
import json
import sys
from array import array
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import F, Max, Q, Sum
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
    LogNode,
    Notice,
    Redemption,
    Transfer,
    TransferState,
    VerifyMark,
)
from jiceng.regions.models import Region

# Transfers created this long before a run are taken as committed when it ran: a
# transaction that writes transfers finishes well within half of it. Younger ones are
# read again by the next incremental run, whatever their id.
OVERLAP = dt.timedelta(hours=1)
_CHUNK = 5_000
POSTED, PENDING = TransferState.POSTED, TransferState.PENDING
FINAL = (TransferState.POSTED, TransferState.VOIDED)


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


@contextmanager
def read_snapshot() -> Iterator[None]:
    """Run the enclosed reads in one snapshot without holding up writers."""
    if connection.in_atomic_block:  # the caller's transaction already is one (tests)
        yield
        return
    if connection.vendor == "postgresql":
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield
        return
    # SQLite in WAL mode: a deferred transaction reads one snapshot and takes no write
    # lock (Django's own transactions here are IMMEDIATE, which would stop every writer).
    connection.ensure_connection()
    with connection.cursor() as cursor:
        cursor.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            cursor.execute("ROLLBACK")


def verify_district(
    district: Region,
    progress: Callable[[str], None] | None = None,
    *,
    now: dt.datetime | None = None,
    full: bool = True,
    record: bool = True,
) -> tuple[list[str], dict]:
    """Every mismatch as a sentence a person can act on, plus figures about what was checked.

    Each check compares two records that are written separately, so each can fail: cached
    balances against the transfers, issuance against what the wallets and pools hold, the
    amounts the bank's records promised against their transfers, the log against the
    transfers, the stored tree nodes against the leaves, and the signed checkpoints
    against the log. `full=False` starts from the district's mark (or runs in full when
    there is none); a passing run records a new mark unless `record=False`.
    """
    say = progress or (lambda _msg: None)
    with read_snapshot():
        started = timezone.now()
        mark = None if full else VerifyMark.objects.filter(district=district).first()
        run = _Run(district, say, now or started, started)
        if mark is None:
            run.full()
        else:
            run.since(mark)
    if record and not run.problems and run.new_mark is not None:
        _save_mark(district, run.new_mark, started)
    return run.problems, run.figures


# ---------------------------------------------------------------- the mark


def _seal_key() -> bytes:
    return hashlib.sha256(b"jiceng ledger verify mark\n" + log.signer_key().encode()).digest()


def _pack(balances: dict[int, int]) -> bytes:
    flat = array("q")
    for acc in sorted(balances):
        if balances[acc]:
            flat.extend((acc, balances[acc]))
    if sys.byteorder == "big":
        flat.byteswap()
    return flat.tobytes()


def _unpack(blob: bytes) -> dict[int, int]:
    flat = array("q")
    flat.frombytes(bytes(blob))
    if sys.byteorder == "big":
        flat.byteswap()
    return dict(zip(flat[0::2], flat[1::2], strict=True))


def _seal(district_id: int, size: int, root: bytes, transfer_id: int, open_ids, blob: bytes, full_at) -> str:
    message = json.dumps(
        [
            district_id,
            size,
            bytes(root).hex(),
            transfer_id,
            sorted(open_ids),
            hashlib.sha256(bytes(blob)).hexdigest(),
            full_at.astimezone(dt.UTC).isoformat(),
        ]
    ).encode()
    return hmac.new(_seal_key(), message, hashlib.sha256).hexdigest()


def _save_mark(district: Region, new: dict, started: dt.datetime) -> None:
    blob = _pack(new["balances"])
    full_at = new["full_at"] or started
    fields = {
        "size": new["size"],
        "root_hash": new["root"],
        "transfer_id": new["transfer_id"],
        "open_ids": sorted(new["open_ids"]),
        "balances": blob,
        "full_at": full_at,
        "verified_at": started,
    }
    fields["seal"] = _seal(
        district.pk, new["size"], new["root"], new["transfer_id"], new["open_ids"], blob, full_at
    )
    with transaction.atomic():
        VerifyMark.objects.update_or_create(district=district, defaults=fields)


def _cut(district: Region, started: dt.datetime) -> int:
    """The highest transfer id the next incremental run may take as seen by this one."""
    return (
        Transfer.objects.filter(district=district, created_at__lt=started - OVERLAP).aggregate(m=Max("id"))[
            "m"
        ]
        or 0
    )


# ---------------------------------------------------------------- one run


class _Run:
    def __init__(self, district: Region, say, now: dt.datetime, started: dt.datetime):
        self.district = district
        self.say = say
        self.now = now
        self.started = started
        self.problems: list[str] = []
        self.figures: dict = {}
        self.new_mark: dict | None = None

    # -- full

    def full(self) -> None:
        district, problems = self.district, self.problems
        self.say("汇总积分流水")
        sums = recompute(district.pk)
        self.say("核对账户余额")
        accounts = self._accounts()
        self._balances(accounts, lambda acc: sums.get(acc, (0, 0, 0)))
        transfers = Transfer.objects.filter(district=district)
        foreign = (
            transfers.exclude(debit__district=district).count()
            + transfers.exclude(credit__district=district).count()
        )
        self._transfers(
            foreign, transfers.filter(amount__lte=0).count(), transfers.filter(debit=F("credit")).count()
        )

        self.say("核对捐赠、兑换与公示的积分")
        problems.extend(verify_records(district))

        self.say("核对透明日志")
        check = _LogCheck(district, problems)
        check.run(0, transparency.Frontier(), {}, NodesFull(district, problems))
        waiting = log.unlogged(district).count()
        late = log.unlogged(district, older_than=self.now - log.log_within()).count() if waiting else 0
        self._late(late)
        lost = log.unlogged(district).filter(log_queue__isnull=True).count() if waiting else 0
        if lost:
            problems.append(
                f"有 {lost} 笔已入账或已作废的流水既不在透明日志里，也不在待入日志的队列里，检查点永远不会记入它们："
                "队列由数据库触发器维护，请确认迁移 bank 0010 的触发器还在（`jiceng migrate`），"
                "并联系技术人员核对这些流水"
            )
        self.figures.update(
            mode="full",
            accounts=len(accounts),
            transfers=transfers.count(),
            leaves=check.leaves,
            checkpoints=check.checkpoints,
            awaiting_checkpoint=waiting,
        )
        if check.signed is not None:
            size = check.signed[0]
            cut = _cut(district, self.started)
            open_ids = list(
                transfers.filter(id__lte=cut)
                .filter(Q(leaf__isnull=True) | Q(leaf__index__gte=size))
                .values_list("id", flat=True)
            )
            self._mark(check, cut, open_ids, None)

    # -- incremental

    def since(self, mark: VerifyMark) -> None:
        district, problems = self.district, self.problems
        self.say(f"自上次核验（日志 {mark.size} 条）以来的增量核验")
        blob = bytes(mark.balances)
        seal = _seal(
            district.pk, mark.size, mark.root_hash, mark.transfer_id, mark.open_ids, blob, mark.full_at
        )
        if not hmac.compare_digest(seal, mark.seal):
            problems.append(
                "上次核验留下的标记被改动过（或签名私钥已更换）：增量核验无从开始，请运行 `jiceng ledger verify --full`"
            )
            return
        frontier = self._mark_checkpoint(mark)
        if frontier is None:
            return
        base = _unpack(blob)

        self.say("读取自上次核验以来的流水")
        accounts = self._accounts()
        rows = self._delta(mark)
        posted: dict[int, int] = defaultdict(int)
        p_in: dict[int, int] = defaultdict(int)
        p_out: dict[int, int] = defaultdict(int)
        foreign = bad_amount = same = 0
        late_before = self.now - log.log_within()
        waiting = late = 0
        for t in rows:
            debit, credit, amount, state = t["debit_id"], t["credit_id"], t["amount"], t["state"]
            if state == POSTED:
                posted[debit] -= amount
                posted[credit] += amount
            elif state == PENDING:
                p_out[debit] += amount
                p_in[credit] += amount
            foreign += (debit not in accounts) + (credit not in accounts)
            bad_amount += amount <= 0
            same += debit == credit
            if state in FINAL and t["leaf__index"] is None:
                waiting += 1
                late += t["resolved_at"] is not None and t["resolved_at"] <= late_before
        self._transfers(foreign, bad_amount, same)

        self.say("核对账户余额")
        self._balances(
            accounts,
            lambda acc: (base.get(acc, 0) + posted.get(acc, 0), p_in.get(acc, 0), p_out.get(acc, 0)),
        )
        self.say("核对捐赠、兑换与公示的积分")
        problems.extend(verify_records(district, since=mark))

        self.say("核对新增的透明日志")
        check = _LogCheck(district, problems)
        check.run(mark.size, frontier, dict(base), NodesSince(district, mark.size, problems))
        self._late(late)
        self.figures.update(
            mode="incremental",
            accounts=len(accounts),
            transfers=len(rows),
            leaves=check.leaves,
            new_leaves=check.leaves - mark.size,
            checkpoints=check.checkpoints,
            awaiting_checkpoint=waiting,
            since_size=mark.size,
        )
        if check.signed is not None:
            size = check.signed[0]
            cut = _cut(district, self.started)
            open_ids = [
                t["id"]
                for t in rows
                if t["id"] <= cut and (t["leaf__index"] is None or t["leaf__index"] >= size)
            ]
            self._mark(check, cut, open_ids, mark.full_at)

    def _mark_checkpoint(self, mark: VerifyMark) -> transparency.Frontier | None:
        """The frontier at the mark, from its checkpoint, which must still say what it said."""
        if mark.size == 0:
            return transparency.Frontier()
        cp = Checkpoint.objects.filter(district=self.district, size=mark.size).first()
        if cp is None or bytes(cp.root_hash) != bytes(mark.root_hash):
            self.problems.append(
                f"上次核验时的检查点（{mark.size} 条）已被删除或改动：日志被改写过，请运行 `jiceng ledger verify --full`"
            )
            return None
        try:
            origin, size, root = transparency.parse_checkpoint(
                transparency.open_note(cp.note, log.verifier_key())
            )
            frontier = transparency.Frontier(cp.size, [bytes.fromhex(p) for p in cp.peaks])
        except (transparency.VerificationError, ValueError) as exc:
            self.problems.append(f"检查点（{cp.size} 条）签名、格式或边界节点无效：{exc}")
            return None
        if (origin, size, root) != (log.origin(self.district), mark.size, bytes(mark.root_hash)) or (
            frontier.root() != root
        ):
            self.problems.append(f"检查点（{cp.size} 条）的签名内容或边界节点与上次核验时不一致")
            return None
        return frontier

    def _delta(self, mark: VerifyMark) -> list[dict]:
        """Every transfer of the district that the mark's leaves do not hold, as it is now."""
        fields = ("id", "debit_id", "credit_id", "amount", "state", "resolved_at", "leaf__index")
        transfers = Transfer.objects.filter(district=self.district).filter(
            Q(leaf__isnull=True) | Q(leaf__index__gte=mark.size)
        )
        rows = list(transfers.filter(id__gt=mark.transfer_id).values(*fields).iterator(chunk_size=20_000))
        for at in range(0, len(mark.open_ids), _CHUNK):
            rows += transfers.filter(id__in=mark.open_ids[at : at + _CHUNK]).values(*fields)
        return rows

    # -- shared

    def _accounts(self) -> dict[int, tuple]:
        return {
            row[0]: row[1:]
            for row in Account.objects.filter(district=self.district)
            .values_list("id", "name", "kind", "posted", "pending_in", "pending_out")
            .iterator(chunk_size=20_000)
        }

    def _balances(self, accounts: dict[int, tuple], expected: Callable[[int], tuple[int, int, int]]) -> None:
        problems = self.problems
        held = issued = 0  # cached points held by wallets, pools and partners; points the communities issued
        for pk, (name, kind, *cached) in accounts.items():
            posted, p_in, p_out = expected(pk)
            cached = tuple(cached)
            if kind in UNCACHED_KINDS:
                issued -= posted
                if cached != (0, 0, 0):
                    problems.append(
                        f"发行账户 #{pk} {name}：不应有缓存余额，实际为 (已入账 {cached[0]}, "
                        f"待入账 {cached[1]}, 冻结 {cached[2]})：余额被绕过账本改动过"
                    )
            else:
                held += cached[0]
                if cached != (posted, p_in, p_out):
                    problems.append(
                        f"账户 #{pk} {name}：缓存余额 (已入账 {cached[0]}, 待入账 {cached[1]}, 冻结 {cached[2]})"
                        f" ≠ 流水重算 (已入账 {posted}, 待入账 {p_in}, 冻结 {p_out})"
                    )
            if kind not in MAY_GO_NEGATIVE and posted - p_out < 0:
                problems.append(f"账户 #{pk} {name}：可用积分为负（{posted - p_out}）")
        if held != issued:
            problems.append(
                f"全区各账户缓存的已入账积分合计 {held} ≠ 各社区已发行积分合计 {issued}：有积分凭空出现或消失"
            )

    def _mark(self, check: "_LogCheck", cut: int, open_ids: list[int], full_at) -> None:
        size, root = check.signed
        self.new_mark = {
            "size": size,
            "root": root,
            "transfer_id": cut,
            "open_ids": open_ids,
            "balances": check.sums,
            "full_at": full_at,
        }

    def _transfers(self, foreign: int, bad_amount: int, same: int) -> None:
        if foreign:
            self.problems.append(f"有 {foreign} 笔流水涉及其他区的账户")
        if bad_amount:
            self.problems.append(f"有 {bad_amount} 笔流水的积分不是正数")
        if same:
            self.problems.append(f"有 {same} 笔流水转出与转入是同一账户")

    def _late(self, late: int) -> None:
        if late:
            bound = log.log_within()
            self.problems.append(
                f"有 {late} 笔已入账或已作废的流水超过 {bound.total_seconds() / 60:g} 分钟仍未记入透明日志："
                f"请运行 `jiceng ledger checkpoint`，并确认 cron 每分钟运行 `jiceng bank settle`"
            )


# The bank's own records of what a transfer was for, each keeping its own copy of the points.
RECORDS = (
    (Donation, "transfer", "捐赠"),
    (Redemption, "transfer", "兑换券"),
    (Notice, "transfer", "公示"),
)


def verify_records(district: Region, since: VerifyMark | None = None) -> list[str]:
    """A donation, voucher or notice states its points apart from its transfer; they must agree.

    Before a transfer is in the log, this is what catches an amount changed together with
    the balances it moved. `since` limits it to the records of transfers the mark's
    leaves do not hold.
    """
    problems = []
    for model, field, label in RECORDS:
        scope = [Q()]
        if since is not None:
            ids = since.open_ids
            scope = [Q(**{f"{field}_id__gt": since.transfer_id})] + [
                Q(**{f"{field}_id__in": ids[at : at + _CHUNK]}) for at in range(0, len(ids), _CHUNK)
            ]
        for q in scope:
            wrong = (
                model.objects.filter(q, **{f"{field}__district": district})
                .exclude(points=F(f"{field}__amount"))
                .values_list("pk", f"{field}_id", "points", f"{field}__amount")
            )
            for pk, transfer_id, points, amount in wrong[:20]:
                problems.append(
                    f"{label} #{pk} 记载 {points} 分，但它的积分流水 #{transfer_id} 是 {amount} 分：流水或记录被改动过"
                )
    return problems


# ---------------------------------------------------------------- the log


class _LogCheck:
    """Leaves from `start` re-derived from their transfers, checkpoints from there checked
    against them, and the stored nodes against the leaves; sums the posted amounts of the
    signed leaves per account, for the next mark."""

    def __init__(self, district: Region, problems: list[str]):
        self.district = district
        self.problems = problems
        self.leaves = 0
        self.checkpoints = 0
        self.sums: dict[int, int] = {}
        self.signed: tuple[int, bytes] | None = None  # the latest checkpoint, if it covers every leaf

    def run(self, start: int, frontier: transparency.Frontier, sums: dict[int, int], nodes) -> None:
        district, problems = self.district, self.problems
        checkpoints = list(Checkpoint.objects.filter(district=district, size__gte=start).order_by("size"))
        latest = checkpoints[-1].size if checkpoints else start
        verifier = log.verifier_key()
        rows = (
            LogLeaf.objects.filter(district=district, index__gte=start)
            .order_by("index")
            .values_list("index", "leaf_hash", *[f"transfer__{f}" for f in log.ENTRY_FIELDS])
        )
        cp_iter = iter(checkpoints)
        next_cp = next(cp_iter, None)
        leaves = start
        code, leaf_hash, leaf_bytes = district.code, transparency.leaf_hash, log.leaf_bytes
        batch: list[bytes] = []

        def check_cp(cp: Checkpoint) -> None:
            self.checkpoints += 1
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

        while next_cp is not None and next_cp.size == leaves:
            check_cp(next_cp)
            next_cp = next(cp_iter, None)
        for row in rows.iterator(chunk_size=20_000):
            index, stored = row[0], bytes(row[1])
            if index != leaves:
                problems.append(f"日志叶子序号不连续：期望 {leaves}，实际 {index}")
                break
            values = row[2:]
            tid, debit, credit, amount, state = values[0], values[2], values[3], values[4], values[6]
            if state not in FINAL:
                problems.append(f"日志叶子 {index} 对应的流水 #{tid} 状态为 {state}，不是终态")
            if leaf_hash(leaf_bytes(code, values)) != stored:
                problems.append(f"日志叶子 {index}（流水 #{tid}）与流水内容不符：流水在记入日志后被改动过")
            if state == POSTED and index < latest:
                sums[debit] = sums.get(debit, 0) - amount
                sums[credit] = sums.get(credit, 0) + amount
            frontier.append(stored)
            batch.append(stored)
            if len(batch) == 20_000:
                nodes.feed(batch)
                batch = []
            leaves += 1
            while next_cp is not None and next_cp.size == leaves:
                check_cp(next_cp)
                next_cp = next(cp_iter, None)
        nodes.feed(batch)
        nodes.finish(leaves)
        if next_cp is not None:
            problems.append(f"检查点（{next_cp.size} 条）超出了日志叶子数 {leaves}")
        if checkpoints and checkpoints[-1].size < leaves:
            problems.append(
                f"日志有 {leaves} 条叶子，但最新的签名检查点只覆盖 {checkpoints[-1].size} 条：有叶子未经签名"
            )
        self.leaves = leaves
        self.sums = sums
        if checkpoints and checkpoints[-1].size == leaves:
            self.signed = (leaves, bytes(checkpoints[-1].root_hash))
        elif not checkpoints and leaves == start == 0:
            self.signed = (0, transparency.EMPTY_ROOT)


def _node_problem(level: int) -> str:
    return (
        f"日志树第 {level} 层的存储节点与日志叶子重算结果不一致：居民的证明将改由全部叶子计算（较慢），"
        f"请运行 `jiceng ledger nodes` 由叶子重建"
    )


class NodesFull:
    """Every stored node against a rebuild from every leaf, level by level, in streaming digests."""

    def __init__(self, district: Region, problems: list[str]):
        self.district = district
        self.problems = problems
        self.builder = transparency.NodeBuilder(0, log.NODE_STRIDE)
        self.digests: dict[int, list] = {}

    def feed(self, hashes: list[bytes]) -> None:
        for level, index, h in self.builder.extend(hashes):
            digest = self.digests.setdefault(level, [hashlib.sha256(), 0])
            digest[0].update(index.to_bytes(8, "big") + h)
            digest[1] += 1

    def finish(self, leaves: int) -> None:
        stored: dict[int, list] = {}
        for level, index, h in (
            LogNode.objects.filter(district=self.district)
            .order_by("level", "index")
            .values_list("level", "index", "hash")
            .iterator(chunk_size=20_000)
        ):
            digest = stored.setdefault(level, [hashlib.sha256(), 0])
            digest[0].update(index.to_bytes(8, "big") + bytes(h))
            digest[1] += 1
        for level in sorted(set(stored) | set(self.digests)):
            mine, theirs = self.digests.get(level), stored.get(level)
            if (
                mine is None
                or theirs is None
                or (mine[0].digest(), mine[1]) != (theirs[0].digest(), theirs[1])
            ):
                self.problems.append(_node_problem(level))


class NodesSince:
    """The nodes stored since the mark against those its new leaves complete."""

    def __init__(self, district: Region, size: int, problems: list[str]):
        self.district = district
        self.size = size
        self.problems = problems
        ranges = transparency.NodeBuilder.tail_ranges(size, log.NODE_STRIDE)
        got = log._fetch_nodes(district.pk, {level: [r] for level, r in ranges.items()})
        try:
            tails = {level: [got[(level, i)] for i in range(lo, hi)] for level, (lo, hi) in ranges.items()}
            self.builder = transparency.NodeBuilder(size, log.NODE_STRIDE, tails)
        except KeyError:
            self.builder = None
            problems.append(_node_problem(min(ranges)))
        self.made: dict[tuple[int, int], bytes] = {}

    def feed(self, hashes: list[bytes]) -> None:
        if self.builder is not None:
            self.made.update(((lvl, i), h) for lvl, i, h in self.builder.extend(hashes))

    def finish(self, leaves: int) -> None:
        if self.builder is None:
            return
        stored = {}
        for level in range(
            log.NODE_STRIDE, max(leaves.bit_length(), self.size.bit_length()) + 1, log.NODE_STRIDE
        ):
            for index, h in LogNode.objects.filter(
                district=self.district, level=level, index__gte=self.size >> level
            ).values_list("index", "hash"):
                stored[(level, index)] = bytes(h)
        wrong = {lvl for lvl, _i in set(stored) ^ set(self.made)}
        wrong |= {key[0] for key, h in self.made.items() if stored.get(key, h) != h}
        for level in sorted(wrong):
            self.problems.append(_node_problem(level))

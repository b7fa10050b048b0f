"""The Moral Bank ledger: the only code that moves points.

Invariants (ARCHITECTURE.md "The Moral Bank ledger"), held on SQLite and PostgreSQL:

1. A transfer moves a positive whole number of points between two accounts of one
   district, so the district always sums to zero.
2. Transfers are never edited or deleted; `reverse` writes an opposite transfer.
3. Wallets never go negative: the check and the debit happen in one transaction,
   after locking the accounts in sorted id order (SQLite: BEGIN IMMEDIATE).
4. Two phases: a pending transfer holds points (the debit side's `pending_out`,
   the credit side's `pending_in`) until it is posted or voided, exactly once.
5. Cached balances equal the sum of transfers (`jiceng ledger verify`).

Every transfer carries a caller-given idempotency key, unique per district. Replaying
a key returns the original transfer; the same key with another payload is refused.
"""

import hashlib
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.db import IntegrityError, OperationalError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.bank.models import (
    MAY_GO_NEGATIVE,
    UNCACHED_KINDS,
    Account,
    AccountKind,
    Transfer,
    TransferKind,
    TransferState,
)
from jiceng.regions.models import Level, Region

T = TypeVar("T")
BATCH = 2000


class LedgerError(Exception):
    """A refusal a person can act on; the message says what went wrong."""


class InsufficientPoints(LedgerError):
    pass


class IdempotencyConflict(LedgerError):
    pass


class AlreadyResolved(LedgerError):
    pass


@dataclass(frozen=True)
class Spec:
    """One transfer to make; `debit` and `credit` are Account objects or ids."""

    key: str
    debit: Account | int
    credit: Account | int
    amount: int
    kind: str
    reason: str
    operator_id: int | None = None
    cause_type: str = ""
    cause_id: str = ""
    reverses_id: int | None = None

    @property
    def debit_id(self) -> int:
        return self.debit if isinstance(self.debit, int) else self.debit.pk

    @property
    def credit_id(self) -> int:
        return self.credit if isinstance(self.credit, int) else self.credit.pk


# ---------------------------------------------------------------- accounts


def wallet_open(person) -> Account:
    account, _created = Account.objects.get_or_create(
        person=person,
        defaults={"district_id": person.district_id, "kind": AccountKind.WALLET, "name": person.name},
    )
    return account


def _district_of(region: Region) -> Region:
    return Region.objects.get(code=region.district_code)


def issuance_account(community: Region) -> Account:
    district = _district_of(community)
    account, _created = Account.objects.get_or_create(
        district=district,
        kind=AccountKind.ISSUANCE,
        community=community,
        defaults={"name": _("%(c)s 积分发行") % {"c": community.name}},
    )
    return account


def love_pool(community: Region) -> Account:
    district = _district_of(community)
    account, _created = Account.objects.get_or_create(
        district=district,
        kind=AccountKind.LOVE_POOL,
        community=community,
        defaults={"name": _("%(c)s 爱心池") % {"c": community.name}},
    )
    return account


def partner_account(organization) -> Account:
    account, _created = Account.objects.get_or_create(
        district_id=organization.district_id,
        kind=AccountKind.PARTNER,
        organization=organization,
        defaults={"name": organization.name},
    )
    return account


def district_account(district: Region, name: str) -> Account:
    assert district.level == Level.DISTRICT
    account, _created = Account.objects.get_or_create(district=district, kind=AccountKind.DISTRICT, name=name)
    return account


def balance(account: Account) -> tuple[int, int, int]:
    """(posted, pending_in, pending_out); summed from transfers for uncached accounts."""
    if account.kind not in UNCACHED_KINDS:
        account.refresh_from_db(fields=["posted", "pending_in", "pending_out"])
        return account.posted, account.pending_in, account.pending_out
    from jiceng.bank.verify import recompute

    sums = recompute(account.district_id, account_ids=[account.pk]).get(account.pk, (0, 0, 0))
    return sums


# ---------------------------------------------------------------- retries


def _retryable(exc: OperationalError) -> bool:
    code = getattr(getattr(exc, "__cause__", None), "sqlstate", None)
    if code in ("40001", "40P01"):  # serialization failure, deadlock detected
        return True
    return "database is locked" in str(exc)


def _atomic_with_retry(fn: Callable[[bool], T], attempts: int = 8) -> T:
    """Run `fn(replay)` in a transaction, retrying what the database asks us to retry.

    `replay` is False on the first attempt, so the common case skips the lookup of
    used keys; a used key fails the unique constraint and the retry replays it.
    Inside a caller's transaction a savepoint plays the same role.
    """
    replay = False
    for attempt in range(attempts):
        try:
            with transaction.atomic():
                return fn(replay)
        except OperationalError as exc:
            if connection.in_atomic_block or not _retryable(exc) or attempt == attempts - 1:
                raise
            time.sleep(random.uniform(0, 0.005 * 2**attempt))
        except (IntegrityError, LedgerError):
            # A used key shows up as a unique violation, or as a refusal computed for a
            # transfer that in fact already exists: look the keys up and try once more.
            if replay:
                raise
            replay = True
    raise AssertionError("unreachable")


# ---------------------------------------------------------------- core


def _payload_hash(spec: Spec, pending: bool) -> str:
    payload = (
        spec.debit_id,
        spec.credit_id,
        spec.amount,
        spec.kind,
        spec.reason,
        spec.cause_type,
        spec.cause_id,
        spec.reverses_id,
        pending,
    )
    return hashlib.sha256("\x1f".join(map(str, payload)).encode()).hexdigest()


def _lock_accounts(ids: Iterable[int]) -> dict[int, Account]:
    """Lock cached accounts in ascending id order, so two transactions never wait on each other in a cycle.

    Issuance accounts are read but not locked: nothing checks their balance, so
    awards from one community never queue behind each other.
    """
    ordered = sorted(set(ids))
    found: dict[int, Account] = {}
    for i in range(0, len(ordered), BATCH):
        chunk = ordered[i : i + BATCH]
        locking = Account.objects.select_for_update().filter(id__in=chunk).exclude(kind__in=UNCACHED_KINDS)
        for account in locking.order_by("id"):
            found[account.pk] = account
        rest = [a for a in chunk if a not in found]
        if rest:
            for account in Account.objects.filter(id__in=rest):
                found[account.pk] = account
    return found


def _apply_deltas(deltas: dict[int, list[int]], accounts: dict[int, Account]) -> None:
    """Check the non-negative rule on the final balances, then write the cached balances."""
    rows = []
    for account_id, (d_posted, d_in, d_out) in deltas.items():
        account = accounts[account_id]
        if account.kind in UNCACHED_KINDS:
            continue
        posted, pending_out = account.posted + d_posted, account.pending_out + d_out
        if account.kind not in MAY_GO_NEGATIVE and posted - pending_out < 0:
            raise InsufficientPoints(
                _("%(a)s 可用积分不足：可用 %(have)d 分，本次需要 %(need)d 分")
                % {
                    "a": account.name,
                    "have": account.available,
                    "need": account.available - (posted - pending_out),
                }
            )
        if d_posted or d_in or d_out:
            rows.append((d_posted, d_in, d_out, account_id))
    if rows:
        table = Account._meta.db_table
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET posted = posted + %s, pending_in = pending_in + %s, "
                f"pending_out = pending_out + %s WHERE id = %s",
                rows,
            )


_COLUMNS = (
    "district_id",
    "key",
    "payload_hash",
    "debit_id",
    "credit_id",
    "amount",
    "kind",
    "state",
    "reason",
    "operator_id",
    "cause_type",
    "cause_id",
    "reverses_id",
    "created_at",
    "resolved_at",
)
_INSERT_ROWS = 1000  # 15 parameters a row stays under SQLite's parameter cap


def _insert(rows: list[tuple]) -> list[int]:
    """Insert transfer rows and return their ids, in order.

    PostgreSQL: ids drawn from the table's sequence, then one COPY, which is several
    times faster than INSERT for large batches. SQLite: multi-row INSERT ... RETURNING.
    """
    table = Transfer._meta.db_table
    cols = ", ".join(_COLUMNS)
    if connection.vendor == "postgresql" and len(rows) > 50:
        with connection.cursor() as cursor:
            raw = cursor.cursor
            raw.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, len(rows)],
            )
            ids = [r[0] for r in raw.fetchall()]
            with raw.copy(f"COPY {table} (id, {cols}) FROM STDIN") as copy:
                for pk, row in zip(ids, rows, strict=True):
                    copy.write_row((pk, *row))
        return ids
    one = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
    ids: list[int] = []
    with connection.cursor() as cursor:
        for i in range(0, len(rows), _INSERT_ROWS):
            chunk = rows[i : i + _INSERT_ROWS]
            cursor.execute(
                f"INSERT INTO {table} ({cols}) VALUES {', '.join([one] * len(chunk))} RETURNING id",
                [v for row in chunk for v in row],
            )
            ids += [r[0] for r in cursor.fetchall()]
    return ids


def _existing(district_id: int, keys: list[str]) -> dict[str, Transfer]:
    found: dict[str, Transfer] = {}
    for i in range(0, len(keys), BATCH):
        for t in Transfer.objects.filter(district_id=district_id, key__in=keys[i : i + BATCH]):
            found[t.key] = t
    return found


def _create(district_id: int, specs: Sequence[Spec], pending: bool, *, replay: bool, objects: bool) -> list:
    """Insert transfers and move cached balances; `replay` first looks up keys already used.

    The first attempt skips that lookup: a used key then fails the unique constraint,
    the transaction rolls back whole, and the retry replays with the lookup.
    """
    keys = [s.key for s in specs]
    if len(set(keys)) != len(keys):
        raise LedgerError(_("同一批次中出现重复的幂等键"))
    existing = _existing(district_id, keys) if replay else {}
    out: list = []
    rows: list[tuple] = []
    positions: list[int] = []
    deltas: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    now = timezone.now()
    state = TransferState.PENDING if pending else TransferState.POSTED
    for spec in specs:
        digest = _payload_hash(spec, pending)
        if spec.key in existing:
            if existing[spec.key].payload_hash != digest:
                raise IdempotencyConflict(
                    _("幂等键 %(k)s 已用于另一笔不同的积分变动，拒绝执行") % {"k": spec.key}
                )
            out.append(existing[spec.key] if objects else existing[spec.key].pk)
            continue
        if not isinstance(spec.amount, int) or isinstance(spec.amount, bool) or spec.amount <= 0:
            raise LedgerError(_("积分必须是大于 0 的整数，当前为 %(a)r") % {"a": spec.amount})
        if spec.debit_id == spec.credit_id:
            raise LedgerError(_("转出和转入不能是同一个账户"))
        if spec.kind not in TransferKind.values:
            raise LedgerError(_("未知的积分变动类型：%(k)s") % {"k": spec.kind})
        if not spec.reason.strip():
            raise LedgerError(_("请填写事由"))
        rows.append(
            (
                district_id,
                spec.key,
                digest,
                spec.debit_id,
                spec.credit_id,
                spec.amount,
                spec.kind,
                state,
                spec.reason[:200],
                spec.operator_id,
                spec.cause_type,
                str(spec.cause_id),
                spec.reverses_id,
                now,
                None if pending else now,
            )
        )
        positions.append(len(out))
        out.append(None)
        if pending:
            deltas[spec.debit_id][2] += spec.amount
            deltas[spec.credit_id][1] += spec.amount
        else:
            deltas[spec.debit_id][0] -= spec.amount
            deltas[spec.credit_id][0] += spec.amount
    if rows:
        accounts = _lock_accounts(deltas)
        for account_id in deltas:
            if account_id not in accounts or accounts[account_id].district_id != district_id:
                raise LedgerError(_("账户 %(a)s 不存在或不属于本区") % {"a": account_id})
        _apply_deltas(deltas, accounts)
        ids = _insert(rows)
        for pos, pk, row in zip(positions, ids, rows, strict=True):
            out[pos] = Transfer(id=pk, **dict(zip(_COLUMNS, row, strict=True))) if objects else pk
    return out


def transfer_batch(
    specs: Sequence[Spec], *, district: Region | int, pending: bool = False, objects: bool = True
) -> list:
    """Write many transfers in one transaction: all of them, or none.

    Returns the transfers (or only their ids with `objects=False`, for large batches),
    in the order of `specs`; a replayed key yields the transfer it first made.
    """
    district_id = district if isinstance(district, int) else district.pk
    return _atomic_with_retry(
        lambda replay: _create(district_id, specs, pending, replay=replay, objects=objects)
    )


def transfer(*, district: Region | int, pending: bool = False, **fields) -> Transfer:
    """Move points now (posted) or hold them (pending). See `Spec` for the fields."""
    return transfer_batch([Spec(**fields)], district=district, pending=pending)[0]


def award(
    *,
    wallet: Account,
    community: Region,
    key: str,
    amount: int,
    reason: str,
    operator=None,
    cause: tuple[str, str] = ("", ""),
    pending: bool = True,
) -> Transfer:
    """Issue points from a community to a wallet; pending while the public notice runs."""
    return transfer(
        district=wallet.district_id,
        pending=pending,
        key=key,
        debit=issuance_account(community),
        credit=wallet,
        amount=amount,
        kind=TransferKind.AWARD,
        reason=reason,
        operator_id=getattr(operator, "pk", operator),
        cause_type=cause[0],
        cause_id=str(cause[1]),
    )


def _resolve(ids: Sequence[int], target: str) -> list[Transfer]:
    transfers: list[Transfer] = []
    for i in range(0, len(ids), BATCH):
        transfers += list(
            Transfer.objects.select_for_update().filter(id__in=ids[i : i + BATCH]).order_by("id")
        )
    if len(transfers) != len(set(ids)):
        raise LedgerError(_("找不到要处理的积分流水"))
    deltas: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
    todo = []
    for t in transfers:
        if t.state == target:
            continue  # resolving twice is a replay, not a second effect
        if t.state != TransferState.PENDING:
            raise AlreadyResolved(
                _("积分流水 #%(id)d 的状态是“%(s)s”，不能改为“%(t)s”")
                % {"id": t.pk, "s": t.get_state_display(), "t": TransferState(target).label}
            )
        todo.append(t.pk)
        deltas[t.debit_id][2] -= t.amount
        deltas[t.credit_id][1] -= t.amount
        if target == TransferState.POSTED:
            deltas[t.debit_id][0] -= t.amount
            deltas[t.credit_id][0] += t.amount
    if todo:
        now = timezone.now()
        _apply_deltas(deltas, _lock_accounts(deltas))
        for i in range(0, len(todo), BATCH):
            Transfer.objects.filter(id__in=todo[i : i + BATCH], state=TransferState.PENDING).update(
                state=target, resolved_at=now
            )
        for t in transfers:
            if t.pk in todo:
                t.state, t.resolved_at = target, now
    return transfers


def post_batch(ids: Sequence[int]) -> list[Transfer]:
    """Post pending transfers: held points move for good."""
    return _atomic_with_retry(lambda _replay: _resolve(list(ids), TransferState.POSTED))


def void_batch(ids: Sequence[int]) -> list[Transfer]:
    """Void pending transfers: held points go back where they came from."""
    return _atomic_with_retry(lambda _replay: _resolve(list(ids), TransferState.VOIDED))


def post(t: Transfer) -> Transfer:
    return post_batch([t.pk])[0]


def void(t: Transfer) -> Transfer:
    return void_batch([t.pk])[0]


def reverse(original: Transfer, *, key: str, reason: str, operator=None) -> Transfer:
    """Undo a posted transfer with a new, opposite one that points to it."""

    def run() -> Transfer:
        t = Transfer.objects.select_for_update().get(pk=original.pk)
        if t.state != TransferState.POSTED:
            raise LedgerError(
                _("只能冲正已入账的积分流水（#%(id)d 当前为%(s)s）")
                % {"id": t.pk, "s": t.get_state_display()}
            )
        if t.kind == TransferKind.REVERSAL:
            raise LedgerError(_("冲正记录本身不能再冲正，如需更正请另行调整"))
        done = Transfer.objects.filter(reverses=t, kind=TransferKind.REVERSAL).exclude(key=key).first()
        if done is not None:
            raise AlreadyResolved(_("积分流水 #%(id)d 已经冲正过（#%(r)d）") % {"id": t.pk, "r": done.pk})
        spec = Spec(
            key=key,
            debit=t.credit_id,
            credit=t.debit_id,
            amount=t.amount,
            kind=TransferKind.REVERSAL,
            reason=reason,
            operator_id=getattr(operator, "pk", operator),
            cause_type="bank.transfer",
            cause_id=str(t.pk),
            reverses_id=t.pk,
        )
        return _create(t.district_id, [spec], pending=False, replay=True, objects=True)[0]

    return _atomic_with_retry(lambda _replay: run())

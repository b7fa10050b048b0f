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
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TypeVar

from django.db import DEFAULT_DB_ALIAS, DatabaseError, IntegrityError, connection
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.bank import statements as st
from jiceng.bank.accounts import (  # noqa: F401 - services name accounts through the ledger
    _ACCOUNT_IDS,
    _find_account,
    accounts_forget,
    balance,
    district_account,
    issuance_account,
    issuance_id,
    love_pool,
    love_pool_find,
    love_pool_id,
    partner_account,
    partner_account_id,
    wallet_id,
    wallet_open,
)
from jiceng.bank.errors import (  # noqa: F401 - services catch the ledger's refusals by the ledger's name
    AlreadyResolved,
    IdempotencyConflict,
    InsufficientPoints,
    LedgerError,
)
from jiceng.bank.models import MAY_GO_NEGATIVE, UNCACHED_KINDS, Account, Transfer, TransferKind, TransferState
from jiceng.bank.statements import _COLUMNS, Find, Given, Row  # noqa: F401 - services build their riding rows as ledger.Row
from jiceng.bank.transactions import (  # noqa: F401 - services run their use cases through the ledger's name
    ATTEMPTS,
    REPLAYS,
    USE_CASE,
    KeyUsed,
    NotGiven,
    atomic_step,
    joins_use_case,
    one_transaction,
    row_locked,
    stands_alone,
    use_case,
)
from jiceng.regions.models import Region

T = TypeVar("T")
_KINDS = frozenset(TransferKind.values)
BATCH = 2000


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


# ---------------------------------------------------------------- transactions
# One transaction per use case, with its retries and replays: `bank/transactions.py`.

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


_LOCKED_FIELDS = ["id", "district_id", "kind", "name", "posted", "pending_in", "pending_out"]  # model order


def _lock_accounts(ids: Iterable[int]) -> dict[int, Account]:
    """Lock cached accounts in ascending id order, so two transactions never wait on each other in a cycle.

    Issuance accounts are read but not locked: nothing checks their balance, so
    awards from one community never queue behind each other. (SQLite: the IMMEDIATE
    transaction already holds the only write lock.)
    """
    ordered = sorted(set(ids))
    table, columns = Account._meta.db_table, ", ".join(_LOCKED_FIELDS)
    postgres = connection.vendor == "postgresql"
    rows: list[tuple] = []
    with connection.cursor() as cursor:
        for i in range(0, len(ordered), BATCH):
            chunk = ordered[i : i + BATCH]
            marks = ", ".join(["%s"] * len(chunk))
            if postgres:
                cursor.execute(
                    f"SELECT {columns} FROM {table} WHERE id IN ({marks}) "
                    f"AND kind NOT IN ({st._kinds(UNCACHED_KINDS)}) ORDER BY id FOR NO KEY UPDATE",
                    chunk,
                )
                locked = cursor.fetchall()
                rest = sorted(set(chunk) - {r[0] for r in locked})
                rows += locked
            else:
                rest = chunk
            if rest:
                cursor.execute(
                    f"SELECT {columns} FROM {table} WHERE id IN ({', '.join(['%s'] * len(rest))})", rest
                )
                rows += cursor.fetchall()
    return {row[0]: Account.from_db(connection.alias, _LOCKED_FIELDS, row) for row in rows}


def _check_district(ids: Iterable[int], accounts: dict[int, Account], district_id: int) -> None:
    for account_id in ids:
        if account_id not in accounts or accounts[account_id].district_id != district_id:
            accounts_forget()  # a cached id may be what went missing (a flushed database)
            raise LedgerError(_("账户 %(a)s 不存在或不属于本区") % {"a": account_id})


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
                account.name, account.available, account.available - (posted - pending_out)
            )
        if d_posted or d_in or d_out:
            rows.append((d_posted, d_in, d_out, account_id))
    if not rows:
        return
    table = Account._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement for any number of accounts: the deltas go as four arrays. (The rows
            # are already locked, in id order, by `_lock_accounts`.)
            cursor.execute(
                f"UPDATE {table} a SET posted = a.posted + d.p, pending_in = a.pending_in + d.i, "
                f"pending_out = a.pending_out + d.o FROM unnest(%s::bigint[], %s::bigint[], "
                f"%s::bigint[], %s::bigint[]) AS d(p, i, o, id) WHERE a.id = d.id",
                [list(column) for column in zip(*rows, strict=True)],
            )
        else:
            cursor.executemany(
                f"UPDATE {table} SET posted = posted + %s, pending_in = pending_in + %s, "
                f"pending_out = pending_out + %s WHERE id = %s",
                rows,
            )


FEW_ACCOUNTS = 50  # SQLite moves this many accounts' balances in one UPDATE … RETURNING


def _move_few(deltas: dict[int, list[int]], district_id: int) -> bool:
    """SQLite, a few accounts: move the cached balances in one `UPDATE … RETURNING`, then check them.

    The IMMEDIATE transaction already holds the only write lock, so nothing can change
    between the update and the check; a refusal raises, and the transaction (or the step's
    savepoint) rolls the update back with the insert. An account the update did not match is
    missing or outside the district. False when the table's check constraint refused the
    update, so the caller takes the long way.
    """
    table = Account._meta.db_table
    ids = sorted(deltas)
    # An uncached account (issuance) is matched too, so that the one statement also proves it is
    # in the district, but its balance columns stay as they are.
    when = f"CASE WHEN kind IN ({st._kinds(UNCACHED_KINDS)}) THEN 0 ELSE CASE id "
    when += " ".join(["WHEN %s THEN %s"] * len(ids)) + " ELSE 0 END END"
    params: list = []
    for i in range(3):
        params += [v for account_id in ids for v in (account_id, deltas[account_id][i])]
    marks = ", ".join(["%s"] * len(ids))
    try:
        moved = st._prepared(
            f"UPDATE {table} SET posted = posted + {when}, pending_in = pending_in + {when}, "
            f"pending_out = pending_out + {when} WHERE id IN ({marks}) AND district_id = %s "
            f"RETURNING id, kind, name, posted, pending_out",
            [*params, *ids, district_id],
        )
    except IntegrityError as exc:
        if "account_never_overdrawn" not in str(exc):
            raise
        # The table's own check refused the update (SQLite undoes just that statement):
        # the caller reads and checks the accounts, and raises the refusal with its numbers.
        return False
    moved = {row[0]: row for row in moved}
    for account_id in ids:
        if account_id not in moved:
            accounts_forget()  # a cached id may be what went missing (a flushed database)
            raise LedgerError(_("账户 %(a)s 不存在或不属于本区") % {"a": account_id})
    for account_id in ids:
        _id, kind, name, posted, pending_out = moved[account_id]
        if kind not in UNCACHED_KINDS and kind not in MAY_GO_NEGATIVE and posted - pending_out < 0:
            d_posted, _d_in, d_out = deltas[account_id]
            before = (posted - d_posted) - (pending_out - d_out)
            raise InsufficientPoints(name, before, before - (posted - pending_out))
    return True


# A written transfer comes back as the row it is, built the way a query builds it (positionally).
_LOADED = ("id", *_COLUMNS)
assert _LOADED == tuple(f.attname for f in Transfer._meta.concrete_fields), "_COLUMNS must follow the model"

_INSERT_ROWS = 1000  # 15 parameters a row stays under SQLite's parameter cap
COPY_ROWS = 50  # PostgreSQL batches above this size are written with COPY


def _insert(rows: list[tuple]) -> dict[str, int]:
    """Insert transfer rows; returns the id of each inserted row by key.

    PostgreSQL: ids drawn from the table's sequence, then one COPY, which is several
    times faster than INSERT for large batches; a used key fails the whole COPY with a
    unique violation. SQLite: multi-row INSERT … ON CONFLICT DO NOTHING RETURNING, so a
    used key is simply missing from the result.
    """
    table = Transfer._meta.db_table
    cols = ", ".join(_COLUMNS)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor, connection.wrap_database_errors:
            # The raw cursor bypasses Django's error wrapping; restore it, so a used key
            # is an IntegrityError like everywhere else.
            raw = cursor.cursor
            raw.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, len(rows)],
            )
            ids = [r[0] for r in raw.fetchall()]
            with raw.copy(f"COPY {table} (id, {cols}) FROM STDIN") as copy:
                for pk, row in zip(ids, rows, strict=True):
                    copy.write_row((pk, *row))
        return {row[1]: pk for pk, row in zip(ids, rows, strict=True)}
    found: dict[str, int] = {}
    for i in range(0, len(rows), _INSERT_ROWS):
        chunk = rows[i : i + _INSERT_ROWS]
        inserted = st._prepared(
            f"INSERT INTO {table} ({cols}) VALUES {st._values(len(chunk))} "
            f"ON CONFLICT (district_id, key) DO NOTHING RETURNING id, key",
            [v for row in chunk for v in row],
        )
        found.update((key, pk) for pk, key in inserted)
    return found


def _write_few(
    district_id: int, rows: list[tuple], pending: bool, riding: Sequence[Row] = (), given: Given | None = None
) -> tuple[dict[str, int], list[tuple | None]]:
    """PostgreSQL, a few transfers: insert, lock, check and move balances in one statement.

    The insert skips used keys (ON CONFLICT DO NOTHING); the balance deltas are summed
    from the rows it did insert; the cached accounts are locked in id order and updated
    only if none would be overdrawn. An account that was not updated, or is missing or
    outside the district, makes the statement itself raise (`bank_refuse`), so a refusal
    writes nothing even where the statement is a use case's whole transaction. The use case's own
    rows (`riding`, one transfer only) are further data-modifying CTEs reading `ins`, so
    they are written only where the transfer row was; what each returned comes back too.
    """
    shape = (len(rows), pending, tuple(st._row_sql(row, "ins")[0] for row in riding))
    shape += (tuple(len(row.returning) for row in riding), None if given is None else st._given_sql(given))
    sql = st._write_few_sql(*shape)
    params = [] if given is None else st._given_params(given)
    params += [v for row in rows for v in row] + [district_id]
    for row in riding:
        params += st._row_params(row)
    params.append(district_id)
    try:
        result = st._prepared(sql, params)
    except DatabaseError as exc:
        refusal = st._refusal(exc)
        if refusal is exc:
            raise
        raise refusal from None
    if any(r[0] == 2 for r in result):
        raise NotGiven()  # the given row changed: nothing was written
    inserted = {r[2]: r[1] for r in result if r[0] == 0}
    return inserted, st._split_rows(riding, [r[8:] for r in result if r[0] == 0], 0)


def _existing(district_id: int, keys: list[str]) -> dict[str, Transfer]:
    found: dict[str, Transfer] = {}
    for i in range(0, len(keys), BATCH):
        for t in Transfer.objects.filter(district_id=district_id, key__in=keys[i : i + BATCH]):
            found[t.key] = t
    return found


def _create(
    district_id: int,
    specs: Sequence[Spec],
    pending: bool,
    *,
    replay: bool,
    objects: bool,
    riding: Sequence[Row] = (),
    got: list | None = None,
    given: Given | None = None,
) -> list:
    """Insert transfers and move cached balances; a used key yields the transfer it first made.

    Used keys are looked up only when the database reports them: the insert skips them
    (or, for a COPY, fails, and the retry comes back with `replay` to look them up first).
    `riding` rows (one transfer only) are written where the transfer row is inserted, and
    what each returned is put in `got` (None for each when the key was used). With `given`
    (one transfer only), nothing is written unless its row holds (`NotGiven`).
    """
    if (riding or given is not None) and len(specs) != 1:
        raise LedgerError(_("只有单笔积分变动可以带上业务记录"))
    keys = [s.key for s in specs]
    if len(set(keys)) != len(keys):
        raise LedgerError(_("同一批次中出现重复的幂等键"))
    now = timezone.now()
    state = TransferState.PENDING if pending else TransferState.POSTED
    rows: list[tuple] = []
    for spec in specs:
        if not isinstance(spec.amount, int) or isinstance(spec.amount, bool) or spec.amount <= 0:
            raise LedgerError(_("积分必须是大于 0 的整数，当前为 %(a)r") % {"a": spec.amount})
        if spec.debit_id == spec.credit_id:
            raise LedgerError(_("转出和转入不能是同一个账户"))
        if spec.kind not in _KINDS:
            raise LedgerError(_("未知的积分变动类型：%(k)s") % {"k": spec.kind})
        if not spec.reason.strip():
            raise LedgerError(_("请填写事由"))
        rows.append(
            (
                district_id,
                spec.key,
                _payload_hash(spec, pending),
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
    existing = _existing(district_id, keys) if replay else {}
    fresh = [row for row in rows if row[1] not in existing]
    inserted: dict[str, int] = {}
    written: list[tuple | None] = [None] * len(riding)
    if fresh and connection.vendor == "postgresql" and len(fresh) <= COPY_ROWS:
        inserted, written = _write_few(district_id, fresh, pending, riding, given)
    elif fresh:
        if given is not None and not st._given_holds(given):  # SQLite: the write lock is already held
            raise NotGiven()
        inserted = _insert(fresh)
        deltas: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        for row in fresh:
            if row[1] in inserted:
                debit, credit, amount = row[3], row[4], row[5]
                if pending:
                    deltas[debit][2] += amount
                    deltas[credit][1] += amount
                else:
                    deltas[debit][0] -= amount
                    deltas[credit][0] += amount
        if not deltas:
            pass  # every key was used already: nothing moves
        elif connection.vendor == "sqlite" and len(deltas) <= FEW_ACCOUNTS and _move_few(deltas, district_id):
            pass
        else:
            accounts = _lock_accounts(deltas)
            _check_district(deltas, accounts, district_id)
            _apply_deltas(deltas, accounts)
        if riding and inserted:
            written = st._rows_sqlite(riding, inserted[fresh[0][1]])
    if got is not None:
        got[:] = written
    used = [row[1] for row in fresh if row[1] not in inserted]
    if used and USE_CASE.get() == REPLAYS and joins_use_case():
        raise KeyUsed(used[0])
    if used:
        existing.update(_existing(district_id, used))
    out: list = []
    for row in rows:
        key = row[1]
        if key in inserted:
            out.append(
                Transfer.from_db(DEFAULT_DB_ALIAS, _LOADED, (inserted[key], *row))
                if objects
                else inserted[key]
            )
            continue
        if key not in existing:
            raise LedgerError(_("幂等键 %(k)s 的积分流水写入失败，请重试") % {"k": key})
        if existing[key].payload_hash != row[2]:
            raise IdempotencyConflict(_("幂等键 %(k)s 已用于另一笔不同的积分变动，拒绝执行") % {"k": key})
        out.append(existing[key] if objects else existing[key].pk)
    return out


def transfer_batch(
    specs: Sequence[Spec], *, district: Region | int, pending: bool = False, objects: bool = True
) -> list:
    """Write many transfers in one transaction: all of them, or none.

    Returns the transfers (or only their ids with `objects=False`, for large batches),
    in the order of `specs`; a replayed key yields the transfer it first made.
    """
    district_id = district if isinstance(district, int) else district.pk
    copying = connection.vendor == "postgresql" and len(specs) > COPY_ROWS
    return atomic_step(
        lambda replay: _create(district_id, specs, pending, replay=replay, objects=objects), savepoint=copying
    )


def transfer(*, district: Region | int, pending: bool = False, **fields) -> Transfer:
    """Move points now (posted) or hold them (pending). See `Spec` for the fields."""
    return transfer_batch([Spec(**fields)], district=district, pending=pending)[0]


def transfer_with(
    riding: Sequence[Row],
    *,
    district: Region | int,
    pending: bool = False,
    objects: bool = True,
    given: Given | None = None,
    **fields,
) -> tuple[Transfer | int, list[tuple | None]]:
    """One transfer and the use case's own rows, written together: on PostgreSQL in the
    ledger's one statement, on SQLite right after it in the same transaction.

    Returns the transfer (its id with `objects=False`) and what each row returned: None for
    a row whose guard refused it, and for every row when the key was used already (a
    use case that can replay never gets that far: the used key ends its attempt).
    """
    district_id = district if isinstance(district, int) else district.pk
    spec, got = Spec(**fields), []
    out = atomic_step(
        lambda replay: _create(
            district_id, [spec], pending, replay=replay, objects=objects, riding=riding, got=got, given=given
        )
    )
    return out[0], got


def award(
    *,
    wallet: Account | int,
    community: Region | int,
    key: str,
    amount: int,
    reason: str,
    operator=None,
    cause: tuple[str, str] = ("", ""),
    pending: bool = True,
    district: Region | int | None = None,
) -> Transfer:
    """Issue points from a community to a wallet; pending while the public notice runs.

    `wallet` and `community` may be ids (then `district` is required).
    """
    return award_with(
        (),
        wallet=wallet,
        community=community,
        key=key,
        amount=amount,
        reason=reason,
        operator=operator,
        cause=cause,
        pending=pending,
        district=district,
    )[0]


def award_with(
    riding: Sequence[Row],
    *,
    wallet: Account | int,
    community: Region | int,
    key: str,
    amount: int,
    reason: str,
    operator=None,
    cause: tuple[str, str] = ("", ""),
    pending: bool = True,
    district: Region | int | None = None,
    given: Given | None = None,
) -> tuple[Transfer, list[tuple | None]]:
    """`award` with the use case's own rows riding in its statement (see `transfer_with`)."""
    return transfer_with(
        riding,
        given=given,
        district=wallet.district_id if district is None else district,
        pending=pending,
        key=key,
        debit=issuance_id(community),
        credit=wallet,
        amount=amount,
        kind=TransferKind.AWARD,
        reason=reason,
        operator_id=getattr(operator, "pk", operator),
        cause_type=cause[0],
        cause_id=str(cause[1]),
    )


_TRANSFER_FIELDS = [f.attname for f in Transfer._meta.concrete_fields]


def _resolve(ids: Sequence[int], target: str) -> list[Transfer]:
    """Move pending transfers to `target`; the balances move only for rows whose state this update changed.

    The state update and the balance deltas cannot disagree: the deltas are summed from
    the rows the `UPDATE … WHERE state = 'pending' RETURNING` reports, so a transfer that
    was already resolved (by a replay, or by anything that ever slipped past the locks)
    moves nothing a second time.
    """
    wanted = sorted(set(ids))
    now = timezone.now()
    few = connection.vendor == "postgresql" and len(wanted) <= COPY_ROWS
    changed = _resolve_few(wanted, target, now) if few else _mark(wanted, target, now)
    others = {t.pk: t for t in Transfer.objects.filter(id__in=[i for i in wanted if i not in changed])}
    for pk in wanted:
        if pk in changed:
            continue
        t = others.get(pk)
        if t is None:
            raise LedgerError(_("找不到要处理的积分流水"))
        if t.state != target:  # the same target again is a replay, not a second effect
            raise AlreadyResolved(
                _("积分流水 #%(id)d 的状态是“%(s)s”，不能改为“%(t)s”")
                % {"id": t.pk, "s": t.get_state_display(), "t": TransferState(target).label}
            )
    if not few:
        deltas: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        for t in changed.values():
            deltas[t.debit_id][2] -= t.amount
            deltas[t.credit_id][1] -= t.amount
            if target == TransferState.POSTED:
                deltas[t.debit_id][0] -= t.amount
                deltas[t.credit_id][0] += t.amount
        if deltas:
            _apply_deltas(deltas, _lock_accounts(deltas))
    return [changed.get(pk) or others[pk] for pk in wanted]


def _lock_pending(table: str, n: int) -> str:
    """The pending rows among n ids; on PostgreSQL locked in id order, as every lock in the ledger is taken."""
    marks = ", ".join(["%s"] * n)
    if connection.vendor == "postgresql":
        return f"id IN (SELECT id FROM {table} WHERE id IN ({marks}) AND state = %s ORDER BY id FOR UPDATE)"
    return f"id IN ({marks}) AND state = %s"


def _mark(wanted: list[int], target: str, now) -> dict[int, Transfer]:
    """Set the state of the pending ones among `wanted`; the transfers it changed."""
    table = Transfer._meta.db_table
    columns = ", ".join(f.column for f in Transfer._meta.concrete_fields)
    changed: dict[int, Transfer] = {}
    with connection.cursor() as cursor:
        for i in range(0, len(wanted), BATCH):
            chunk = wanted[i : i + BATCH]
            cursor.execute(
                f"UPDATE {table} SET state = %s, resolved_at = %s WHERE {_lock_pending(table, len(chunk))} "
                f"RETURNING {columns}",
                [target, now, *chunk, TransferState.PENDING],
            )
            for row in cursor.fetchall():
                t = Transfer.from_db(connection.alias, _TRANSFER_FIELDS, row)
                changed[t.pk] = t
    return changed


def _resolve_few(wanted: list[int], target: str, now) -> dict[int, Transfer]:
    """PostgreSQL, a few transfers: state and cached balances in one statement (see `_write_few`).

    Resolving never lowers what an account can spend (a post moves held points, a void
    releases them), so there is nothing to refuse.
    """
    transfers = Transfer._meta.db_table
    columns = ", ".join(f.column for f in Transfer._meta.concrete_fields)
    p = 1 if target == TransferState.POSTED else 0
    sql = f"""
WITH t AS (
    UPDATE {transfers} SET state = %s, resolved_at = %s WHERE {_lock_pending(transfers, len(wanted))}
    RETURNING {columns}
), {
        st._balance_ctes(
            "t", (f"-{p} * amount", "0 * amount", "-amount"), (f"{p} * amount", "-amount", "0 * amount")
        )
    }
SELECT {columns}, (SELECT count(*) FROM u) FROM t
"""
    rows = st._prepared(sql, [target, now, *wanted, TransferState.PENDING])
    changed = {}
    for row in rows:
        t = Transfer.from_db(connection.alias, _TRANSFER_FIELDS, row[:-1])
        changed[t.pk] = t
    return changed


def _post_found(find: Find, riding: Sequence[Row]) -> tuple[list[Transfer], list[tuple | None]]:
    meta = find.model._meta
    table, column = meta.db_table, meta.get_field(find.transfer.removesuffix("_id")).column
    now = timezone.now()
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT y.{column} FROM {table} y WHERE {find.where}", st._adapted(list(find.params))
            )
            ids = [row[0] for row in cursor.fetchall()]
        changed = _mark(ids, TransferState.POSTED, now) if ids else {}
        if not changed:
            return [], [None] * len(riding)
        deltas: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0])
        for t in changed.values():
            deltas[t.debit_id][0] -= t.amount
            deltas[t.debit_id][2] -= t.amount
            deltas[t.credit_id][0] += t.amount
            deltas[t.credit_id][1] -= t.amount
        if not (len(deltas) <= FEW_ACCOUNTS and _move_few(deltas, next(iter(changed.values())).district_id)):
            _apply_deltas(deltas, _lock_accounts(deltas))
        transfers = list(changed.values())
        return transfers, st._rows_sqlite(riding, transfers[0].pk) if len(transfers) == 1 else [None] * len(
            riding
        )
    transfers_table = Transfer._meta.db_table
    columns = ", ".join(f.column for f in Transfer._meta.concrete_fields)
    ctes = "".join(f", r{i} AS ({st._row_sql(row, 't')[0]})" for i, row in enumerate(riding))
    extra = "".join(f", r{i}.*" for i in range(len(riding)))
    joins = "".join(f" LEFT JOIN r{i} ON true" for i in range(len(riding)))
    sql = f"""
WITH f AS MATERIALIZED (
    SELECT y.{column} AS id FROM {table} y WHERE {find.where} FOR UPDATE OF y
), t AS (
    UPDATE {transfers_table} SET state = %s, resolved_at = %s WHERE id IN (
        SELECT id FROM {transfers_table} WHERE id IN (SELECT id FROM f) AND state = %s ORDER BY id FOR UPDATE
    )
    RETURNING {columns}
), {st._balance_ctes("t", ("-1 * amount", "0 * amount", "-amount"), ("1 * amount", "-amount", "0 * amount"))}{ctes}
SELECT {", ".join(f"t.{c}" for c in columns.split(", "))}, (SELECT count(*) FROM u){extra} FROM t{joins}
"""
    params = [*st._adapted(list(find.params)), TransferState.POSTED, now, TransferState.PENDING]
    for row in riding:
        params += st._row_params(row)
    result = st._prepared(sql, params)
    n = len(_TRANSFER_FIELDS)
    transfers = [Transfer.from_db(connection.alias, _TRANSFER_FIELDS, row[:n]) for row in result]
    return transfers, st._split_rows(riding, [row[n + 1 :] for row in result], 0)


def post_found(find: Find, riding: Sequence[Row] = ()) -> tuple[list[Transfer], list[tuple | None]]:
    """Post the pending transfers that `find` names, with the use case's own rows riding along.

    PostgreSQL: one statement locks the found rows (then the transfers, then the accounts in
    id order), posts and moves the balances, and writes `riding` (rows with `match=True`
    update the row that points to the posted transfer). SQLite: the same in the same
    transaction. Finding nothing posts nothing and returns no transfers: the caller takes
    the long way, which says what is wrong. Riding rows need exactly one transfer found.
    """
    return atomic_step(lambda _replay: _post_found(find, riding))


def post_batch(ids: Sequence[int]) -> list[Transfer]:
    """Post pending transfers: held points move for good."""
    return atomic_step(lambda _replay: _resolve(list(ids), TransferState.POSTED))


def void_batch(ids: Sequence[int]) -> list[Transfer]:
    """Void pending transfers: held points go back where they came from."""
    return atomic_step(lambda _replay: _resolve(list(ids), TransferState.VOIDED))


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

    return atomic_step(lambda _replay: run())

"""Use cases of the Moral Bank in one transaction each, retried where retries belong.

The ledger's steps (`bank/ledger.py`) join the use case's transaction; this module owns
that transaction: retries on deadlock, serialization failure and "database is locked"
at the outermost level only, and replays of a used idempotency key. It moves no points.
"""

import contextlib
import functools
import random
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any, TypeVar

from django.db import IntegrityError, OperationalError, connection, transaction

T = TypeVar("T")

# Set while a use case (`one_transaction`) owns the transaction: ledger steps then join
# it instead of opening a savepoint and retrying on their own. REPLAYS: the use case can
# look up what a used key made, so a used key ends the attempt (see `KeyUsed`).
USE_CASE: ContextVar[str] = ContextVar("ledger_use_case", default="")
JOINS, REPLAYS = "joins", "replays"
ATTEMPTS = 8
# Set while a use case that is one statement runs without a transaction of its own (PostgreSQL,
# `one_transaction(one_statement=True)`): its one ledger step commits by itself.
ALONE: ContextVar[bool] = ContextVar("ledger_alone", default=False)


class KeyUsed(Exception):
    """Inside a use case that can replay: an idempotency key was already used, so the use case
    rolls back and returns what the first request made, instead of writing its records twice."""


class NotGiven(Exception):
    """The row a one-statement write was given (`ledger.Given`) changed since the use case read it:
    the statement wrote nothing, and the use case takes its long way, which locks and reads again."""


def _sqlstate(exc: Exception) -> str | None:
    return getattr(exc.__cause__, "sqlstate", None)


def _retryable(exc: Exception) -> bool:
    """A deadlock, a serialization failure, or SQLite's busy lock: the database asks for the transaction again."""
    if not isinstance(exc, OperationalError):
        return False
    if _sqlstate(exc) in ("40001", "40P01"):
        return True
    return "database is locked" in str(exc)


def _key_used(exc: IntegrityError) -> bool:
    """The database refused a row because a unique key is already taken."""
    return _sqlstate(exc) == "23505" or "UNIQUE constraint failed" in str(exc)


def _backoff(attempt: int) -> None:
    time.sleep(random.uniform(0, 0.005 * 2**attempt))


def stands_alone() -> bool:
    """Whether a one-statement use case runs here as its own transaction: on PostgreSQL, outside any
    transaction of a caller's (SQLite takes its write lock with BEGIN IMMEDIATE, so it never does)."""
    return (
        connection.vendor == "postgresql" and not connection.in_atomic_block and connection.get_autocommit()
    )


def one_transaction(
    fn: Callable[[], T],
    *,
    replay: Callable[[], T | None] | None = None,
    attempts: int = ATTEMPTS,
    one_statement: bool = False,
) -> T:
    """Run one use case in one transaction, the outermost one, which is where retries belong.

    - A deadlock, serialization failure or "database is locked" runs `fn` again, whole and
      with the same idempotency keys, after a short random wait. Inside a caller's own
      transaction nothing is retried here: the error goes up to the code that owns it.
    - A used key (a unique violation, or `KeyUsed` from the ledger) means a request with the
      same id got there first, perhaps concurrently: `replay()` looks up what it made, and
      that is the answer for this one too. If it finds nothing (a clash on something else,
      such as a voucher code drawn twice), `fn` runs again. A refusal also asks `replay()`
      before it reaches the caller, since the first request may be what made the checks
      refuse (it took the last item). The common, successful path never looks up a key.
    - Ledger calls inside join this transaction: no savepoint and no retry of their own.
    - `one_statement`: the use case writes in one ledger statement and nothing else (its reads
      may come before). On PostgreSQL, as the outermost, that statement is then its own
      transaction, with no BEGIN and COMMIT round trips: the ledger's statement refuses inside
      itself, and a used key writes nothing, so there is never anything to roll back. A second
      ledger step in such a use case is a programming error and raises.
    """
    alone = one_statement and stands_alone()
    token = USE_CASE.set(JOINS if replay is None else REPLAYS)
    alone_token = ALONE.set(alone)
    try:
        outermost = not connection.in_atomic_block
        for attempt in range(attempts):
            last = attempt == attempts - 1
            try:
                STEPS.set(0)
                with contextlib.nullcontext() if alone else transaction.atomic():
                    return fn()
            except OperationalError as exc:
                if not outermost or last or not _retryable(exc):
                    raise
                _backoff(attempt)
            except (IntegrityError, KeyUsed) as exc:
                if replay is None or isinstance(exc, IntegrityError) and not _key_used(exc):
                    raise
                found = replay()
                if found is not None:
                    return found
                if last:
                    raise
            except Exception:
                # A refusal may come from what the first request with this key changed (the
                # stock it took, the per-person limit it used): the replay answers it instead.
                found = replay() if replay is not None else None
                if found is None:
                    raise
                return found
        raise AssertionError("unreachable")
    finally:
        ALONE.reset(alone_token)
        USE_CASE.reset(token)


STEPS: ContextVar[int] = ContextVar("ledger_alone_steps", default=0)  # ledger steps of an ALONE attempt


def use_case(
    replay: Callable[..., Any] | None = None, *, attempts: int = ATTEMPTS, one_statement: bool = False
):
    """Decorate a service so that it runs in `one_transaction`; `replay` is called with the same arguments."""

    def decorate(fn: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(fn)
        def run(*args, **kwargs) -> T:
            again = None if replay is None else (lambda: replay(*args, **kwargs))
            return one_transaction(
                lambda: fn(*args, **kwargs), replay=again, attempts=attempts, one_statement=one_statement
            )

        return run

    return decorate


def joins_use_case(savepoint: bool = False) -> bool:
    """Whether a ledger step is part of a use case's transaction (or is, ALONE, all of it)."""
    if ALONE.get():
        return not savepoint
    return bool(USE_CASE.get()) and connection.in_atomic_block and not savepoint


def atomic_step(fn: Callable[[bool], T], *, savepoint: bool = False) -> T:
    """Run one ledger step all or nothing; `fn(replay)`.

    Inside a use case the step joins the use case's transaction, and any error marks that
    transaction for rollback, since the step may already have written. Elsewhere (or with
    `savepoint=True`) the step has its own transaction or savepoint; it is retried as
    `one_transaction` would when it is the outermost, and run once more with `replay=True`
    after a unique violation (a large batch's COPY cannot skip used keys by itself).
    """
    if ALONE.get() and not savepoint:
        # The use case's one statement, committed by itself: nothing earlier to roll back with it.
        if STEPS.get():
            raise AssertionError("a one-statement use case made a second ledger step")
        STEPS.set(1)
        return fn(False)
    if joins_use_case(savepoint):
        try:
            return fn(False)
        except BaseException:
            transaction.set_rollback(True)
            raise
    replay = False
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return fn(replay)
        except OperationalError as exc:
            if connection.in_atomic_block or attempt == ATTEMPTS - 1 or not _retryable(exc):
                raise
            _backoff(attempt)
        except IntegrityError as exc:
            if replay or not _key_used(exc):
                raise
            replay = True
    raise AssertionError("unreachable")


# ---------------------------------------------------------------- a use case's first, locking read

_READS: dict[tuple, tuple] = {}


def _read_shape(model, fields: tuple[str, ...], related: tuple, lock: bool) -> tuple:
    """The cached SQL of a `row_locked` shape, with each model's loaded fields and value converters."""
    shape = (model, fields, related, lock, connection.vendor)
    found = _READS.get(shape)
    if found is not None:
        return found
    parts = [("", model, fields)] + [(path, m, f) for path, m, f in related]
    aliases, columns, joins, plan = {"": "t0"}, [], [], []
    for i, (path, m, names) in enumerate(parts):
        alias = f"t{i}"
        if path:
            parent, _dot, name = path.rpartition(".")
            owner = dict((p, mm) for p, mm, _f in parts)[parent]
            fk = owner._meta.get_field(name)
            joins.append(f"JOIN {m._meta.db_table} {alias} ON {alias}.id = {aliases[parent]}.{fk.column}")
            aliases[path] = alias
        fields_of = [f for f in m._meta.concrete_fields if f.attname in names]  # `from_db` wants model order
        converters = []
        for f in fields_of:
            columns.append(f"{alias}.{f.column}")
            col = f.get_col(alias)
            converters.append((connection.ops.get_db_converters(col) + f.get_db_converters(connection), col))
        plan.append((path, m, [f.attname for f in fields_of], converters))
    sql = f"SELECT {', '.join(columns)} FROM {model._meta.db_table} t0 {' '.join(joins)} WHERE t0.id = %s" + (
        " FOR UPDATE OF t0" if lock and connection.vendor == "postgresql" else ""
    )
    _READS[shape] = (sql, plan)
    return sql, plan


def row_locked(model, pk: int, fields: tuple[str, ...], related: tuple = (), *, lock: bool = True):
    """The row `pk` of `model` with parents through foreign keys, in one cached SQL statement:
    what a use case reads first, without compiling a query each time.

    `related` holds `(path, model, fields)`, a path being a foreign key's name on the row
    (`"partner"`) or on a parent (`"partner.organization"`). Only `fields` are loaded; any
    other field is deferred, read if touched. With `lock`, PostgreSQL locks only the row
    itself (`FOR UPDATE OF`), not its parents; on SQLite the IMMEDIATE transaction already
    holds the write lock. Raises `model.DoesNotExist` as `.get()` would. On PostgreSQL the
    statement is prepared, so its joins are planned once per connection.
    """
    sql, plan = _read_shape(model, tuple(fields), tuple(related), lock)
    # Imported here: the statements build on the models, and this module does not.
    from jiceng.bank.statements import _prepared

    found = _prepared(sql, [pk])  # planned once per connection, like the ledger's own statements
    row = found[0] if found else None
    if row is None:
        raise model.DoesNotExist(f"{model.__name__} {pk} does not exist")
    objects, start = {}, 0
    for path, m, names, converters in plan:
        values = list(row[start : start + len(names)])
        start += len(names)
        for i, (chain, col) in enumerate(converters):
            for convert in chain:
                values[i] = convert(values[i], col, connection)
        obj = m.from_db(connection.alias, names, values)
        objects[path] = obj
        if path:
            parent, _dot, name = path.rpartition(".")
            setattr(objects[parent], name, obj)
    return objects[""]

"""Reads from a streaming replica; writes, transactions and read-your-writes on the primary.

Active when ``DATABASE_REPLICA_URL`` is set: settings then add the ``replica`` alias, this
router and `ReplicaMiddleware` (docs/deploy.md, 只读副本). The rules:

- Every write goes to the primary, and so does every read that is not a GET/HEAD/OPTIONS
  request's: reads inside a transaction on the primary (``atomic``, so every use case and
  the ledger), ``select_for_update`` (Django routes it as a write), reads of a POST (a form's
  checks, the login throttle, a replayed form), and reads outside a request (commands, the
  task worker, ``bank settle``). The ledger's raw SQL runs on ``django.db.connection``,
  which is the primary's alias and never routed.
- A GET reads from the replica unless the request wrote (its later reads stay on the
  primary); or its client carries a mark, the primary's WAL position recorded after a
  request of theirs wrote (a signed cookie, since the session itself is read through the
  router), that the replica has not replayed yet; or the replica lags more than
  ``DATABASE_REPLICA_MAX_LAG_SECONDS`` or does not answer.
- The replica's position is checked at most once per `CHECK_SECONDS` per process (after a
  failure, once per `DOWN_RETRY_SECONDS`), with the primary's position and clock read first:
  a replica that has replayed what the primary had written is not behind; one that has not
  lags by the primary's clock minus its last replayed commit's time, an upper bound.

A mark needs to live only `max_lag + CHECK_SECONDS`: past that, a replica that has not
replayed the write lags by more than that, so every read goes to the primary anyway.
"""

import logging
import math
import re
import threading
import time
from collections.abc import Callable
from contextlib import ExitStack, contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, InterfaceError, OperationalError, connections
from django.http import HttpRequest, HttpResponse

PRIMARY = DEFAULT_DB_ALIAS
REPLICA = "replica"
COOKIE = "jc_db_mark"
SALT = "jiceng.core.dbrouter.mark"
CHECK_SECONDS = 1.0
DOWN_RETRY_SECONDS = 5.0
MARK_SLACK_SECONDS = 5
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
NO_MARK = 2**64 - 1  # the primary's position could not be read after a write: pinned until the mark expires

log = logging.getLogger(__name__)


def active() -> bool:
    """A replica is configured and is another database (a test mirror of the primary is not)."""
    if REPLICA not in connections.settings:
        return False
    primary, replica = connections[PRIMARY].settings_dict, connections[REPLICA].settings_dict
    return replica is not primary and any(primary.get(k) != replica.get(k) for k in ("HOST", "PORT", "NAME"))


def lsn_parse(text: str | None) -> int | None:
    """A WAL position as PostgreSQL prints it (``16/B374D848``), as one number."""
    if not text:
        return None
    high, _, low = text.partition("/")
    try:
        return (int(high, 16) << 32) | int(low, 16)
    except ValueError:
        return None


# ---------------------------------------------------------------- the replica's state, per process


@dataclass(frozen=True)
class Health:
    """What one check of the replica found, at `checked` (``time.monotonic()``)."""

    checked: float = -math.inf
    answered: bool = False
    replay_lsn: int = 0
    behind_by: float = math.inf  # seconds the replica was behind at `checked`; 0: it had all the primary had

    def lag(self, now: float) -> float:
        """An upper bound of how stale the replica's reads are now."""
        return self.behind_by + max(0.0, now - self.checked) if self.answered else math.inf

    def usable(self, now: float, max_lag: float) -> bool:
        return self.answered and self.lag(now) <= max_lag

    def replayed(self, lsn: int) -> bool:
        return self.answered and self.replay_lsn >= lsn

    def due(self, now: float) -> bool:
        return now - self.checked >= (CHECK_SECONDS if self.answered else DOWN_RETRY_SECONDS)


_health = Health()
_checking = threading.Lock()


def health(now: float | None = None) -> Health:
    """The replica's state, checked again when the last check is older than a second.

    One thread checks at a time; the others use the last state meanwhile, whose `lag` only
    grows with its age, so a slow check never makes a stale replica look fresh."""
    global _health
    now = time.monotonic() if now is None else now
    if _health.due(now) and _checking.acquire(blocking=False):
        try:
            _health = check(now)
        finally:
            _checking.release()
    return _health


def check(now: float) -> Health:
    """Read the primary's WAL position and clock, then what the replica has replayed."""
    try:
        with connections[PRIMARY].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text, extract(epoch FROM clock_timestamp())")
            primary_lsn, primary_now = cursor.fetchone()
    except DatabaseError:
        return Health(checked=now)  # reads go to the primary, which reports its own trouble
    replica = connections[REPLICA]
    try:
        with replica.cursor() as cursor:
            cursor.execute(
                "SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text,"
                " extract(epoch FROM pg_last_xact_replay_timestamp())"
            )
            recovering, replay_text, replayed_at = cursor.fetchone()
    except DatabaseError as exc:
        log.warning("只读副本不可用，读取改走主库：%s", exc)
        _close_quietly(replica)
        return Health(checked=now)
    replay_lsn = lsn_parse(replay_text)
    if not recovering or replay_lsn is None:
        log.error("DATABASE_REPLICA_URL 指向的数据库不是流复制备库（pg_is_in_recovery() 为假），读取改走主库")
        return Health(checked=now)
    if replay_lsn >= lsn_parse(primary_lsn):
        behind_by = 0.0
    elif replayed_at is None:
        behind_by = math.inf
    else:
        behind_by = max(0.0, float(primary_now) - float(replayed_at))
    return Health(checked=now, answered=True, replay_lsn=replay_lsn, behind_by=behind_by)


def replica_failed() -> None:
    """A read on the replica failed: send reads to the primary until the next check."""
    global _health
    _health = Health(checked=time.monotonic())


def health_forget() -> None:
    """Check the replica again at the next read (tests, and after changing settings)."""
    global _health
    _health = Health()


def _close_quietly(conn) -> None:
    try:
        conn.close()
    except DatabaseError:
        pass


# ---------------------------------------------------------------- one request


_WORD = re.compile(r"[\s(]*([A-Za-z]+)")
_READ_WORDS = frozenset({"SELECT", "SAVEPOINT", "RELEASE", "ROLLBACK", "SET", "SHOW", "EXPLAIN", "VALUES"})
_COUNTED_WORDS = frozenset({"UPDATE", "DELETE"})


def statement_writes(sql: str, many: bool, cursor) -> bool:
    """Whether a statement that ran on the primary changed anything another request may read.

    An UPDATE or DELETE counts when its row count is not 0 (an expiry sweep that found
    nothing writes nothing); with RETURNING, or run for many parameter sets, the count is
    not known before its rows are read, so it counts. Anything else that is not a plain
    read (an INSERT, a ``WITH`` that inserts, DDL) counts, whatever it returned."""
    found = _WORD.match(sql)
    word = found.group(1).upper() if found else ""
    if word in _READ_WORDS:
        return False
    if word in _COUNTED_WORDS and not many and "RETURNING" not in sql:
        return getattr(cursor, "rowcount", -1) != 0
    return True


@dataclass
class RequestState:
    """What the router knows about the request being served."""

    safe: bool  # GET, HEAD or OPTIONS: its reads may go to the replica
    mark: int | None = None  # the client's last write's WAL position, from the cookie
    wrote: bool = False
    replica: bool | None = None  # decided at the request's first read outside a transaction
    mark_passed: bool = False

    def reads_replica(self) -> bool:
        if self.wrote or not self.safe:
            return False
        if self.replica is None:
            now = time.monotonic()
            h = health(now)
            self.mark_passed = self.mark is not None and h.replayed(self.mark)
            self.replica = h.usable(now, settings.DATABASE_REPLICA_MAX_LAG_SECONDS) and (
                self.mark is None or self.mark_passed
            )
        return self.replica

    def watch(self, execute: Callable, sql, params, many, context):
        """The primary's execute wrapper: notes the request's first write."""
        result = execute(sql, params, many, context)
        if not self.wrote and statement_writes(sql, many, context.get("cursor")):
            self.wrote = True
        return result


_state: ContextVar[RequestState | None] = ContextVar("jiceng_db_request", default=None)


def _watch_replica(execute: Callable, sql, params, many, context):
    try:
        return execute(sql, params, many, context)
    except (OperationalError, InterfaceError):
        replica_failed()
        raise


@contextmanager
def request_serving(state: RequestState):
    """Route the reads of the code inside as those of one request with `state`."""
    token = _state.set(state)
    try:
        with ExitStack() as stack:
            stack.enter_context(connections[PRIMARY].execute_wrapper(state.watch))
            if REPLICA in connections.settings:
                stack.enter_context(connections[REPLICA].execute_wrapper(_watch_replica))
            yield state
    finally:
        _state.reset(token)


def mark_seconds() -> int:
    return math.ceil(settings.DATABASE_REPLICA_MAX_LAG_SECONDS + CHECK_SECONDS) + MARK_SLACK_SECONDS


def mark_read(request: HttpRequest) -> int | None:
    raw = request.get_signed_cookie(COOKIE, default=None, salt=SALT, max_age=mark_seconds())
    return int(raw) if raw and raw.isdigit() else None


def primary_position() -> int:
    """The primary's WAL position now, past every commit made before."""
    try:
        with connections[PRIMARY].cursor() as cursor:
            cursor.execute("SELECT pg_current_wal_lsn()::text")
            return lsn_parse(cursor.fetchone()[0]) or NO_MARK
    except DatabaseError:
        return NO_MARK


class ReplicaMiddleware:
    """Sets the request's routing state, and the client's mark after a request that wrote."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not active():
            return self.get_response(request)
        state = RequestState(safe=request.method in SAFE_METHODS, mark=mark_read(request))
        with request_serving(state):
            response = self.get_response(request)
        if state.wrote:
            response.set_signed_cookie(
                COOKIE,
                str(primary_position()),
                salt=SALT,
                max_age=mark_seconds(),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        elif state.mark_passed:
            response.delete_cookie(COOKIE, samesite="Lax")
        return response


class ReplicaRouter:
    """Django's database router for the primary and its replica (see the module's notes)."""

    def db_for_read(self, model, **hints) -> str:
        state = _state.get()
        if state is None or not active() or connections[PRIMARY].in_atomic_block:
            return PRIMARY
        return REPLICA if state.reads_replica() else PRIMARY

    def db_for_write(self, model, **hints) -> str:
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool | None:
        aliases = {PRIMARY, REPLICA}
        return True if obj1._state.db in aliases and obj2._state.db in aliases else None

    def allow_migrate(self, db: str, app_label: str, **hints) -> bool:
        return db == PRIMARY

"""The building blocks of the ledger's SQL: they build statements and run them, and decide nothing.

`bank/ledger.py` is still the only code that moves points: it calls these to build the one
statement of a transfer (`_balance_ctes`), to carry a use case's own rows in it (`Row`, `Find`,
ARCHITECTURE.md "Ledger writes"), to run it prepared on PostgreSQL (`_prepared`) and to read
the refusal it raised from inside itself (`_refusal`).
"""

import datetime as dt
import functools
import json
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

import psycopg
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.db.backends.sqlite3.base import FORMAT_QMARK_REGEX
from django.utils.translation import gettext as _

from jiceng.bank.accounts import accounts_forget
from jiceng.bank.errors import InsufficientPoints, LedgerError
from jiceng.bank.models import MAY_GO_NEGATIVE, UNCACHED_KINDS, Account, Transfer


@dataclass(frozen=True)
class Row:
    """A use case's own row that rides in the ledger's statement (ARCHITECTURE.md, "Ledger writes").

    The ledger writes it only where it wrote the transfer row: inserted (a used key writes
    nothing) or, for `post_found`, resolved. `values` are columns set from parameters (by
    attname, `donor_id`), `adds` columns moved by a delta (`stock`: -1); `transfer` names
    the column the ledger fills with the transfer's id (None: none). An insert unless `pk`
    names the row to update; `match=True` updates the row whose `transfer` column points
    to the resolved transfer. `guard` is an SQL condition (`%s` parameters in
    `guard_params`) the write must meet, evaluated in the same statement: the row's id
    comes back None when it did not, and the caller refuses (its transaction rolls back).
    `returning` names the columns that come back (attnames).
    """

    model: type
    values: dict
    adds: dict = field(default_factory=dict)
    transfer: str | None = "transfer_id"
    pk: int | None = None
    match: bool = False
    guard: str = ""
    guard_params: tuple = ()
    returning: tuple[str, ...] = ("id",)

    @property
    def update(self) -> bool:
        return self.pk is not None or self.match


@dataclass(frozen=True)
class Given:
    """What the ledger's statement writes only given: `model`'s row `pk`, locked first (`FOR UPDATE`)
    and meeting `where` (SQL on `y`, `%s` parameters in `params`) once locked.

    A use case that checked that row with a read of its own, outside any transaction, writes with
    it: if the row changed in between, the statement writes nothing, the ledger raises `NotGiven`,
    and the use case takes the long way. `where` must read only the row itself (PostgreSQL checks
    it again on the row's newest version after waiting for its lock; a subquery would still read
    the statement's first snapshot).
    """

    model: type
    pk: int
    where: str
    params: tuple = ()


def _given_sql(given: Given) -> str:
    return f"SELECT y.id FROM {given.model._meta.db_table} y WHERE y.id = %s AND ({given.where})" + (
        " FOR UPDATE OF y" if connection.vendor == "postgresql" else ""
    )


def _given_params(given: Given) -> list:
    return _adapted([given.pk, *given.params])


def _given_holds(given: Given) -> bool:
    return bool(_prepared(_given_sql(given), _given_params(given)))


def _casts(model, columns: Sequence[str]) -> str:
    """`CAST(%s AS type)` for each column, for parameters a SELECT list reads (nothing else types them)."""
    by_column = {f.column: f for f in model._meta.concrete_fields}
    return ", ".join(f"CAST(%s AS {by_column[c].cast_db_type(connection)})" for c in columns)


_ROW_SQL: dict[tuple, tuple[str, str]] = {}


def _row_sql(row: Row, source: str) -> tuple[str, str]:
    """The row's statement for PostgreSQL (a CTE body reading the transfer as `x` from `source`)
    and for SQLite (the transfer's id a parameter); built once per shape."""
    shape = (row.model, tuple(row.values), tuple(row.adds), row.transfer, row.update, row.match)
    shape += (row.guard, row.returning, source)
    found = _ROW_SQL.get(shape)
    if found is not None:
        return found
    meta = row.model._meta
    table = meta.db_table
    col = {f.attname: f for f in meta.concrete_fields}

    def cast(name: str) -> str:
        return (
            f"CAST(%s AS {col[name].cast_db_type(connection)})" if connection.vendor == "postgresql" else "%s"
        )

    ret = ", ".join(f"y.{col[n].column}" for n in row.returning)
    bare = ", ".join(col[n].column for n in row.returning)
    guard = f" AND ({row.guard})" if row.guard else ""
    if row.update:
        sets = [f"{col[n].column} = {cast(n)}" for n in row.values]
        sets += [f"{col[n].column} = y.{col[n].column} + %s" for n in row.adds]
        pg_sets, lite_sets = list(sets), list(sets)
        if row.transfer and not row.match:
            pg_sets.append(f"{col[row.transfer].column} = x.id")
            lite_sets.append(f"{col[row.transfer].column} = %s")
        where = "y.id = %s" if not row.match else f"y.{col[row.transfer].column} = x.id"
        lite_where = "y.id = %s" if not row.match else f"y.{col[row.transfer].column} = %s"
        pg = f"UPDATE {table} y SET {', '.join(pg_sets)} FROM {source} x WHERE {where}{guard} RETURNING {ret}"
        lite = f"UPDATE {table} AS y SET {', '.join(lite_sets)} WHERE {lite_where}{guard} RETURNING {bare}"
    else:
        names = [col[n].column for n in row.values] + ([col[row.transfer].column] if row.transfer else [])
        marks = [cast(n) for n in row.values]
        pg_marks = marks + (["x.id"] if row.transfer else [])
        lite_marks = marks + (["%s"] if row.transfer else [])
        into = f"INSERT INTO {table} ({', '.join(names)})"
        pg = f"{into} SELECT {', '.join(pg_marks)} FROM {source} x WHERE true{guard} RETURNING {bare}"
        lite = f"{into} SELECT {', '.join(lite_marks)} WHERE 1{guard} RETURNING {bare}"
    _ROW_SQL[shape] = (pg, lite)
    return pg, lite


def _row_params(row: Row, transfer_id: int | None = None) -> list:
    """The row's parameters in statement order; `transfer_id` for SQLite (PostgreSQL reads it from `x`)."""
    params = [*row.values.values(), *row.adds.values()]
    lite = transfer_id is not None
    if row.update:
        if row.transfer and not row.match and lite:
            params.append(transfer_id)
        if not row.match:
            params.append(row.pk)
        elif lite:
            params.append(transfer_id)
    elif row.transfer and lite:
        params.append(transfer_id)
    return _adapted([*params, *row.guard_params])


def _adapted(params: list) -> list:
    """Dates and times as the ORM stores them (SQLite: naive UTC text), so comparisons hold.

    An aware time on SQLite is converted here as Django's `adapt_datetimefield_value` does
    (`make_naive` in the connection's zone, then `str`), without its per-value look-ups of the
    current zone; a test holds the two equal."""
    db = connections[DEFAULT_DB_ALIAS]
    ops, zone = db.ops, db.timezone if db.vendor == "sqlite" else None
    out = []
    for value in params:
        if isinstance(value, dt.datetime):
            if zone is not None and value.utcoffset() is not None:
                value = str(value.astimezone(zone).replace(tzinfo=None))
            else:
                value = ops.adapt_datetimefield_value(value)
        elif isinstance(value, dt.date):
            value = ops.adapt_datefield_value(value)
        out.append(value)
    return out


def _rows_sqlite(rows: Sequence[Row], transfer_id: int) -> list[tuple | None]:
    """SQLite: write the riding rows after the transfer, in the same transaction; what each returned."""
    out: list[tuple | None] = []
    for row in rows:
        found = _prepared(_row_sql(row, "")[1], _row_params(row, transfer_id))
        out.append(found[0] if found else None)
    return out


def _prepared(sql: str, params: list) -> list[tuple]:
    """Run one of the ledger's hot statements, its shape planned once per connection; its rows.

    PostgreSQL: Django's cursor binds parameters on the client, so the server plans every
    statement anew, and planning the ledger's one-statement CTEs costs more than running them.
    A server-binding cursor with `prepare=True` plans each shape once per connection (which
    lives across requests, CONN_MAX_AGE). SQLite: the statement goes straight to the driver,
    whose own cache keeps it compiled, with its `?` form made once per shape; Django's cursor
    would convert the placeholders and wrap the call anew each time, which cost about as much
    as running it. Either way errors are wrapped as Django's, and the connection's execute
    wrappers and query log see the statement like any other.
    """
    db = connections[DEFAULT_DB_ALIAS]  # the proxy `connection` looks itself up on every attribute
    postgres = db.vendor == "postgresql"
    db.validate_no_broken_transaction()
    with db.wrap_database_errors:
        db.ensure_connection()
        raw = psycopg.Cursor(db.connection) if postgres else db.connection.cursor()

        def execute(sql, params, many, context):
            if postgres:
                raw.execute(sql, params, prepare=True)
            else:
                raw.execute(_qmark(sql), params)
            return raw.fetchall()

        run = execute
        for wrapper in reversed(db.execute_wrappers):
            run = functools.partial(wrapper, run)
        logged = db.queries_logged
        start = time.monotonic() if logged else 0.0
        try:
            return run(sql, params, False, {"connection": db, "cursor": raw})
        finally:
            raw.close()
            if logged:
                db.queries_log.append({"sql": sql, "time": f"{time.monotonic() - start:.3f}"})


@functools.lru_cache(maxsize=512)
def _qmark(sql: str) -> str:
    """SQLite's placeholders for a statement written with Django's (`%s`, and `%%` for `%`)."""
    return FORMAT_QMARK_REGEX.sub("?", sql).replace("%%", "%")


def _kinds(kinds: Iterable[str]) -> str:
    return ", ".join(f"'{k}'" for k in sorted(kinds))  # model constants, never user input


def _balance_ctes(
    source: str, debit: tuple[str, str, str], credit: tuple[str, str, str], where: str = ""
) -> str:
    """PostgreSQL CTEs that move cached balances for the transfer rows in CTE `source`.

    d: (posted, pending_in, pending_out) deltas per account, from the debit and credit
    expressions; l: the cached accounts among them, locked in id order; u: their update
    (only where `where` holds), returning the ids it updated.
    """
    accounts = Account._meta.db_table
    return f"""d AS (
    SELECT id, sum(dp)::bigint AS dp, sum(di)::bigint AS di, sum(dout)::bigint AS dout FROM (
        SELECT debit_id AS id, {debit[0]} AS dp, {debit[1]} AS di, {debit[2]} AS dout FROM {source}
        UNION ALL
        SELECT credit_id, {credit[0]}, {credit[1]}, {credit[2]} FROM {source}
    ) x GROUP BY id
), l AS MATERIALIZED (
    SELECT a.id FROM {accounts} a
    WHERE a.id IN (SELECT id FROM d) AND a.kind NOT IN ({_kinds(UNCACHED_KINDS)})
    ORDER BY a.id FOR NO KEY UPDATE
), u AS (
    UPDATE {accounts} a
    SET posted = a.posted + d.dp, pending_in = a.pending_in + d.di, pending_out = a.pending_out + d.dout
    FROM d WHERE a.id = d.id AND a.id IN (SELECT id FROM l) {where}
    RETURNING a.id
)"""


def _split_rows(riding: Sequence[Row], tails: list[tuple], start: int) -> list[tuple | None]:
    """What each riding row returned, from the columns after `start` of the statement's one row."""
    out: list[tuple | None] = []
    tail = tails[0] if tails else ()
    for row in riding:
        part = tuple(tail[start : start + len(row.returning)]) if tail else ()
        out.append(part if part and part[0] is not None else None)
        start += len(row.returning)
    return out


@dataclass(frozen=True)
class Find:
    """Pending transfers named by a use case's own rows, which are locked first (their lock order):
    `SELECT {transfer} FROM {model} y WHERE {where} FOR UPDATE`, `where` with `%s` parameters."""

    model: type
    where: str
    params: tuple
    transfer: str = "transfer_id"


def _refusal(exc: DatabaseError) -> Exception:
    """The refusal `bank_refuse` raised inside the statement (migration bank 0013), as the ledger's own
    error with its numbers; any other database error as it came. The statement wrote nothing."""
    diag = getattr(exc.__cause__, "diag", None)
    if diag is None or diag.message_primary != "bank_refused":
        return exc
    found = json.loads(diag.message_detail)
    if found["what"] == "short":
        return InsufficientPoints(found["name"], found["available"], found["needed"])
    accounts_forget()  # a cached id may be what went missing (a flushed database)
    return LedgerError(_("账户 %(a)s 不存在或不属于本区") % {"a": found["account"]})


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


def _values(n: int) -> str:
    one = "(" + ", ".join(["%s"] * len(_COLUMNS)) + ")"
    return ", ".join([one] * n)


@functools.lru_cache(maxsize=256)
def _write_few_sql(n: int, pending: bool, riding: tuple, widths: tuple, given: str | None) -> str:
    """`_write_few`'s statement for one shape (rows, pending, riding rows' SQL, the given row's SQL)."""
    transfers, accounts = Transfer._meta.db_table, Account._meta.db_table
    p, q = (0, 1) if pending else (1, 0)
    ctes = "".join(f", r{i} AS ({row_sql})" for i, row_sql in enumerate(riding))
    extra = "".join(f", r{i}.*" for i in range(len(riding)))
    joins = "".join(f" LEFT JOIN r{i} ON true" for i in range(len(riding)))
    nulls = ", NULL" * sum(widths)
    head, source, not_given = "", f"VALUES {_values(n)}", ""
    if given is not None:  # one transfer: its row is selected only where the given row holds
        head = f"g AS MATERIALIZED ({given}), "
        source = f"SELECT {_casts(Transfer, _COLUMNS)} WHERE EXISTS (SELECT 1 FROM g)"
        not_given = f"\nUNION ALL\nSELECT 2, NULL, NULL, NULL, NULL, NULL, NULL, NULL{nulls} WHERE NOT EXISTS (SELECT 1 FROM g)"
    sql = f"""
WITH {head}ins AS (
    INSERT INTO {transfers} ({", ".join(_COLUMNS)}) {source}
    ON CONFLICT (district_id, key) DO NOTHING
    RETURNING id, key, debit_id, credit_id, amount
), {
        _balance_ctes(
            "ins",
            (f"-{p} * amount", "0 * amount", f"{q} * amount"),
            (f"{p} * amount", f"{q} * amount", "0 * amount"),
            "AND a.district_id = %s "
            f"AND (a.kind IN ({_kinds(MAY_GO_NEGATIVE)}) OR a.posted + d.dp >= a.pending_out + d.dout)",
        )
    }{ctes}
SELECT 0, ins.id, ins.key, NULL, NULL, NULL, NULL, NULL{extra} FROM ins{joins}
UNION ALL
SELECT 1, d.id, a.name, a.kind, a.district_id, a.posted - a.pending_out, d.dp - d.dout, CASE
    WHEN a.id IS NULL OR a.district_id <> %s THEN bank_refuse('missing', d.id, 0, 0, '')
    WHEN a.kind NOT IN ({_kinds(UNCACHED_KINDS)}) AND d.id NOT IN (SELECT id FROM u)
        THEN bank_refuse('short', d.id, a.posted - a.pending_out, d.dout - d.dp, a.name)
    ELSE 1 END{nulls}
FROM d LEFT JOIN {accounts} a ON a.id = d.id{not_given}
"""
    return sql

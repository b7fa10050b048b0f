"""From the simulated year's integer rows to the Moral Bank's tables, in the database itself.

`year.py` stages each transfer as one row of integers (`COLUMNS`, -1 for none) in a temporary table,
with three small lookup tables (the distinct masked names, the rules, the rewards);
one INSERT … SELECT per table then writes the transfers, claims, reviews, notices, vouchers and
donations with their text and timestamps, so 20 million rows never pass through Python as strings.
"""

import datetime as dt
import struct
from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db import connection
from django.utils import timezone

from jiceng.bank.models import Account, DeedClaim, Objection, Review
from jiceng.bank.services.rewards import CODE_ALPHABET, CODE_LENGTH
from jiceng.core import crypto
from jiceng.scale.bank import DEEDS
from jiceng.scale.people import World

COLUMNS = (
    "tid", "kind", "state", "debit", "credit", "amount", "wal", "other", "community", "claim", "notice", "aux",
    "t", "r", "filed", "ends", "operator", "filer", "office", "cstate", "rid", "code", "rstate", "collector",
    "canceller", "byres",
)  # fmt: skip
# Filled in from the wallets when the rows are staged: the wallet's person, and the masked names of
# the wallet and of `other` as indices into the staging table of distinct masked names, which holds a
# few thousand rows where a table of wallets would hold a million for every statement to hash.
STAGED = COLUMNS + ("person", "wmask", "omask")
EXTRA_COLUMNS = {
    DeedClaim: ["id", "district_id", "community_id", "claimant_id", "rule_id", "points", "deed_date", "text"]
    + ["filed_by_id", "filed_mode", "text_public", "state", "transfer_id", "created_at", "decided_at"],
    Review: ["district_id", "claim_id", "reviewer_id", "decision", "reason", "created_at"],
    Objection: [
        "district_id",
        "notice_id",
        "objector_id",
        "reason",
        "state",
        "decided_by_id",
        "decision_reason",
        "created_at",
    ]
    + ["decided_at"],
}


def _pg() -> bool:
    return connection.vendor == "postgresql"


def local_date(seconds: float) -> str:
    return dt.datetime.fromtimestamp(seconds, timezone.get_current_timezone()).date().isoformat()


def weekday(seconds: float) -> int:
    return dt.datetime.fromtimestamp(seconds, timezone.get_current_timezone()).weekday()


def _ts(col: str) -> str:
    """A microsecond count as the column's timestamp, NULL for -1."""
    if _pg():
        return f"CASE WHEN {col} < 0 THEN NULL ELSE to_timestamp({col} / 1000000.0) END"
    return f"CASE WHEN {col} < 0 THEN NULL ELSE strftime('%Y-%m-%d %H:%M:%f', {col} / 1000000.0, 'unixepoch') END"


def _local_date(col: str, offset: int) -> str:
    """The local date one day before the microsecond count `col` (a deed is done before it is claimed)."""
    if _pg():
        return f"(to_timestamp({col} / 1000000.0 - 86400) AT TIME ZONE '{settings.TIME_ZONE}')::date"
    return f"date({col} / 1000000 - 86400 + {offset}, 'unixepoch')"


def _code(col: str) -> str:
    """The voucher code spelled from its number, one letter of the alphabet per base-31 digit."""
    n = len(CODE_ALPHABET)
    return " || ".join(
        f"substr('{CODE_ALPHABET}', CAST(({col} / {n**k}) % {n} + 1 AS INTEGER), 1)"
        for k in range(CODE_LENGTH)
    )


def _null(col: str) -> str:
    return f"NULLIF({col}, -1)"


def _copy_ints(cursor, table: str, rows: np.ndarray, columns: tuple[str, ...]) -> None:
    if _pg():
        # Binary COPY straight from the array: per row a field count, then a length and a big-endian int8 per field.
        k = len(columns)
        fields = [("n", ">i2")] + [x for i in range(k) for x in ((f"l{i}", ">i4"), (f"v{i}", ">i8"))]
        packed = np.empty(len(rows), dtype=fields)
        packed["n"] = k
        for i, c in enumerate(columns):
            packed[f"l{i}"], packed[f"v{i}"] = 8, rows[c]
        body = packed.tobytes()
        header = b"PGCOPY\n\xff\r\n\x00" + struct.pack(">ii", 0, 0)
        with cursor.cursor.copy(
            f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT BINARY)"
        ) as copy:
            copy.write(header + body + struct.pack(">h", -1))
    else:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(
            f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
            np.stack([rows[c] for c in columns], axis=1).tolist(),
        )


@dataclass
class Stage:
    """Wallet index → person id, and → index of its masked name in `gen_masked`."""

    person: np.ndarray
    mask: np.ndarray


def stage_create(world: World, ids, *, shared: bool = False) -> Stage:
    """The staging tables: temporary, or (`shared`, PostgreSQL) unlogged, so that a second
    connection can read them too."""
    temp = "UNLOGGED" if shared else "TEMPORARY"
    masked = [crypto.mask_name(world.names[p]) for p in world.wallet_person]
    distinct = sorted(set(masked))
    index = {m: i for i, m in enumerate(distinct)}
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE {temp} TABLE gen_tx ({', '.join(f'{c} bigint' for c in STAGED)})")
        cursor.execute(f"CREATE {temp} TABLE gen_masked (m bigint PRIMARY KEY, masked varchar(50))")
        cursor.execute(
            f"CREATE {temp} TABLE gen_rule (idx bigint PRIMARY KEY, rule_id bigint, name varchar(100),"
            " deed varchar(200), heading varchar(200))"
        )
        cursor.execute(
            f"CREATE {temp} TABLE gen_reward (idx bigint PRIMARY KEY, reward_id bigint, partner_id bigint, name varchar(100))"
        )
        _copy_rows(cursor, "gen_masked", ("m", "masked"), list(enumerate(distinct)))
        _copy_rows(
            cursor,
            "gen_rule",
            ("idx", "rule_id", "name", "deed", "heading"),
            [(i, r[0], r[3], DEEDS[r[2]], r[4]) for i, r in enumerate(world.rules)],
        )
        _copy_rows(
            cursor,
            "gen_reward",
            ("idx", "reward_id", "partner_id", "name"),
            [(i, r[0], r[1], r[5]) for i, r in enumerate(ids.rewards)],
        )
        if _pg():  # the joins need the staging tables' sizes
            cursor.execute("ANALYZE gen_masked, gen_rule, gen_reward")
    return Stage(
        person=np.asarray(world.person_ids, dtype=np.int64)[world.wallet_person],
        mask=np.array([index[m] for m in masked], dtype=np.int64),
    )


def _copy_rows(cursor, table: str, columns: tuple[str, ...], rows: list[tuple]) -> None:
    if _pg():
        with cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})", rows)


def stage_drop() -> None:
    with connection.cursor() as cursor:
        for table in ("gen_tx", "gen_masked", "gen_rule", "gen_reward"):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _statements(district_id: int, offset: int) -> list[tuple[str, str]]:
    t, r, ends, filed = _ts("e.t"), _ts("e.r"), _ts("e.ends"), _ts("e.filed")
    text = "CAST({} AS TEXT)".format
    kind = "CASE e.kind WHEN 0 THEN 'award' WHEN 1 THEN 'redemption' WHEN 2 THEN 'donation' ELSE 'disbursement' END"
    state = "CASE e.state WHEN 0 THEN 'pending' WHEN 1 THEN 'posted' ELSE 'voided' END"
    key = (
        f"CASE e.kind WHEN 0 THEN 'claim-' || {text('e.claim')}"
        f" WHEN 1 THEN 'redeem-' || {text('e.person')} || '-gen' || {text('e.tid')}"
        f" WHEN 2 THEN 'donate-' || {text('e.person')} || '-gen' || {text('e.tid')}"
        f" ELSE 'disburse-' || {text('e.community')} || '-gen' || {text('e.tid')} END"
    )
    reason = (
        "CASE e.kind WHEN 0 THEN ru.name || '：' || ru.deed WHEN 1 THEN '兑换：' || rw.name"
        " WHEN 2 THEN CASE WHEN e.other >= 0 THEN '善行传递：' || w.masked || ' 赠予 ' || o.masked || ' 的爱心积分'"
        " ELSE '善行传递：捐入' || c.name || '爱心池' END ELSE '爱心池发放：节日慰问困难居民' END"
    )
    cause_type = "CASE e.kind WHEN 0 THEN 'bank.deedclaim' WHEN 1 THEN 'bank.reward' WHEN 2 THEN 'bank.donation' ELSE 'bank.love_pool' END"
    cause_id = f"CASE e.kind WHEN 0 THEN {text('e.claim')} WHEN 1 THEN {text('rw.reward_id')} WHEN 2 THEN '' ELSE {text('e.community')} END"
    joins = (
        "FROM gen_tx e JOIN gen_masked w ON w.m = e.wmask LEFT JOIN gen_masked o ON o.m = e.omask"
        " LEFT JOIN gen_rule ru ON e.kind = 0 AND ru.idx = e.aux LEFT JOIN gen_reward rw ON e.kind = 1 AND rw.idx = e.aux"
        " LEFT JOIN regions_region c ON c.id = e.community"  # the pool's community name
    )
    d = district_id
    return [
        (
            "bank_transfer (id, district_id, key, payload_hash, debit_id, credit_id, amount, kind, state, reason,"
            " operator_id, cause_type, cause_id, created_at, resolved_at)",
            f"SELECT e.tid, {d}, {key}, '', e.debit, e.credit, e.amount, {kind}, {state}, {reason},"
            f" {_null('e.operator')}, {cause_type}, {cause_id}, {t}, {r} {joins}",
        ),
        (
            "bank_deedclaim (id, district_id, community_id, claimant_id, rule_id, points, deed_date, text,"
            " filed_by_id, filed_mode, witness, text_public, state, reject_reason, transfer_id, created_at, decided_at)",
            f"SELECT e.claim, {d}, e.community, e.person, ru.rule_id, e.amount, {_local_date('e.filed', offset)},"
            " ru.deed, e.filer, CASE e.office WHEN 1 THEN 'office' ELSE 'self' END, '', FALSE,"
            f" CASE e.cstate WHEN 0 THEN 'on_notice' WHEN 1 THEN 'credited' ELSE 'voided' END, '', e.tid, {filed}, {t}"
            " FROM gen_tx e JOIN gen_rule ru ON ru.idx = e.aux WHERE e.kind = 0",
        ),
        (
            "bank_review (district_id, claim_id, reviewer_id, decision, reason, created_at)",
            f"SELECT {d}, e.claim, e.operator, 'approve', '', {t} FROM gen_tx e WHERE e.kind = 0",
        ),
        (
            "bank_notice (id, district_id, community_id, kind, claim_id, transfer_id, person_id, masked_name,"
            " title, points, starts_at, ends_at, state)",
            f"SELECT e.notice, {d}, e.community, CASE e.kind WHEN 0 THEN 'award' ELSE 'disbursement' END,"
            f" {_null('e.claim')}, e.tid, e.person, w.masked, CASE e.kind WHEN 0 THEN ru.heading ELSE '节日慰问困难居民' END,"
            f" e.amount, {t}, {ends},"
            " CASE WHEN e.kind = 3 THEN 'info' WHEN e.cstate = 0 THEN 'open' WHEN e.cstate = 1 THEN 'settled' ELSE 'voided' END"
            " FROM gen_tx e JOIN gen_masked w ON w.m = e.wmask LEFT JOIN gen_rule ru ON e.kind = 0 AND ru.idx = e.aux"
            " WHERE e.kind IN (0, 3)",
        ),
        (
            "bank_redemption (id, district_id, reward_id, partner_id, person_id, points, code, state, transfer_id,"
            " expires_at, created_at, resolved_at, collected_by_id, cancelled_by_id, cancelled_by_resident)",
            f"SELECT e.rid, {d}, rw.reward_id, rw.partner_id, e.person, e.amount, {_code('e.code')},"
            " CASE e.rstate WHEN 0 THEN 'pending' WHEN 1 THEN 'collected' WHEN 2 THEN 'cancelled' ELSE 'expired' END,"
            f" e.tid, {ends}, {t}, {r}, {_null('e.collector')}, {_null('e.canceller')}, e.byres = 1"
            " FROM gen_tx e JOIN gen_reward rw ON rw.idx = e.aux WHERE e.kind = 1",
        ),
        (
            "bank_donation (district_id, donor_id, community_id, recipient_id, points, message, transfer_id,"
            " created_at)",
            f"SELECT {d}, e.person, e.community, {_null('e.aux')}, e.amount, '一点心意', e.tid, {t}"
            " FROM gen_tx e WHERE e.kind = 2",
        ),
    ]


# With a second connection (`Side`), it writes these tables while the main one writes the rest:
# the transfers alone take about as long as the other five together.
SIDE_TABLES = ("bank_deedclaim", "bank_notice", "bank_redemption")


def _insert(statements: list[tuple[str, str]]) -> dict[str, int]:
    written = {}
    with connection.cursor() as cursor:
        for target, select in statements:
            cursor.execute(f"INSERT INTO {target} {select}")
            written[target.split(" ")[0]] = cursor.rowcount
    return written


def expand(rows: np.ndarray, world: World, bulk, stage: Stage, side=None) -> None:
    """Write the staged rows' transfers and everything that belongs to them, then empty the stage.

    With `side` (PostgreSQL, staging tables made `shared`, no transaction open on the main
    connection, so that the side sees the staged rows), two connections write at once."""
    offset = int(timezone.localtime(timezone.now()).utcoffset().total_seconds())
    statements = _statements(world.district.pk, offset)
    staged = np.empty(len(rows), dtype=[(c, "<i8") for c in STAGED])
    for c in COLUMNS:
        staged[c] = rows[c]
    staged["person"], staged["wmask"] = stage.person[rows["wal"]], stage.mask[rows["wal"]]
    staged["omask"] = np.where(rows["other"] >= 0, stage.mask[np.maximum(rows["other"], 0)], -1)
    with connection.cursor() as cursor:
        _copy_ints(cursor, "gen_tx", staged, STAGED)
        if _pg():
            cursor.execute("ANALYZE gen_tx")
    if side is None:
        parts = [_insert(statements)]
    else:
        there = side.submit(_insert, [s for s in statements if s[0].split(" ")[0] in SIDE_TABLES])
        parts = [_insert([s for s in statements if s[0].split(" ")[0] not in SIDE_TABLES]), there.result()]
    for part in parts:
        for table, n in part.items():
            bulk.written[table] = bulk.written.get(table, 0) + n
    with connection.cursor() as cursor:
        cursor.execute("TRUNCATE gen_tx" if _pg() else "DELETE FROM gen_tx")


def balances_write(rows: list[tuple[int, int, int, int]]) -> None:
    """Every cached balance, summed while the rows were made (`ledger verify` recomputes them)."""
    table = Account._meta.db_table
    with connection.cursor() as cursor:
        if _pg():
            cursor.execute(
                "CREATE TEMPORARY TABLE gen_balance (id bigint, posted bigint, pending_in bigint, pending_out bigint)"
            )
            _copy_rows(cursor, "gen_balance", ("id", "posted", "pending_in", "pending_out"), rows)
            cursor.execute(
                f"UPDATE {table} a SET posted = g.posted, pending_in = g.pending_in, pending_out = g.pending_out"
                " FROM gen_balance g WHERE a.id = g.id"
            )
            cursor.execute("DROP TABLE gen_balance")
        else:
            cursor.executemany(
                f"UPDATE {table} SET posted = %s, pending_in = %s, pending_out = %s WHERE id = %s",
                [(p, i, o, pk) for pk, p, i, o in rows],
            )

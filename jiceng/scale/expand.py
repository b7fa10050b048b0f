"""From the simulated year's integer rows to the Moral Bank's tables, in the database itself.

`year.py` stages each transfer as one row of integers (`COLUMNS`, -1 for none) in a temporary table,
with three small lookup tables (wallets with their person and masked name, the rules, the rewards);
one INSERT … SELECT per table then writes the transfers, claims, reviews, notices, vouchers and
donations with their text and timestamps, so 20 million rows never pass through Python as strings.
"""

import datetime as dt
import struct

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


def stage_create(world: World, ids) -> None:
    temp = "TEMPORARY"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE {temp} TABLE gen_tx ({', '.join(f'{c} bigint' for c in COLUMNS)})")
        cursor.execute(
            f"CREATE {temp} TABLE gen_wallet (w bigint PRIMARY KEY, person bigint, masked varchar(50))"
        )
        cursor.execute(
            f"CREATE {temp} TABLE gen_rule (idx bigint PRIMARY KEY, rule_id bigint, name varchar(100),"
            " deed varchar(200), heading varchar(200))"
        )
        cursor.execute(
            f"CREATE {temp} TABLE gen_reward (idx bigint PRIMARY KEY, reward_id bigint, partner_id bigint, name varchar(100))"
        )
        wallets = [
            (w, int(world.person_ids[p]), crypto.mask_name(world.names[p]))
            for w, p in enumerate(world.wallet_person)
        ]
        _copy_rows(cursor, "gen_wallet", ("w", "person", "masked"), wallets)
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
        if _pg():  # temporary tables are never analysed on their own; the joins need their sizes
            cursor.execute("ANALYZE gen_wallet, gen_rule, gen_reward")


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
        for table in ("gen_tx", "gen_wallet", "gen_rule", "gen_reward"):
            cursor.execute(f"DROP TABLE IF EXISTS {table}")


def _statements(district_id: int, offset: int) -> list[tuple[str, str]]:
    t, r, ends, filed = _ts("e.t"), _ts("e.r"), _ts("e.ends"), _ts("e.filed")
    text = "CAST({} AS TEXT)".format
    kind = "CASE e.kind WHEN 0 THEN 'award' WHEN 1 THEN 'redemption' WHEN 2 THEN 'donation' ELSE 'disbursement' END"
    state = "CASE e.state WHEN 0 THEN 'pending' WHEN 1 THEN 'posted' ELSE 'voided' END"
    key = (
        f"CASE e.kind WHEN 0 THEN 'claim-' || {text('e.claim')}"
        f" WHEN 1 THEN 'redeem-' || {text('w.person')} || '-gen' || {text('e.tid')}"
        f" WHEN 2 THEN 'donate-' || {text('w.person')} || '-gen' || {text('e.tid')}"
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
        "FROM gen_tx e JOIN gen_wallet w ON w.w = e.wal LEFT JOIN gen_wallet o ON o.w = e.other"
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
            f"SELECT e.claim, {d}, e.community, w.person, ru.rule_id, e.amount, {_local_date('e.filed', offset)},"
            " ru.deed, e.filer, CASE e.office WHEN 1 THEN 'office' ELSE 'self' END, '', FALSE,"
            f" CASE e.cstate WHEN 0 THEN 'on_notice' WHEN 1 THEN 'credited' ELSE 'voided' END, '', e.tid, {filed}, {t}"
            " FROM gen_tx e JOIN gen_wallet w ON w.w = e.wal JOIN gen_rule ru ON ru.idx = e.aux WHERE e.kind = 0",
        ),
        (
            "bank_review (district_id, claim_id, reviewer_id, decision, reason, created_at)",
            f"SELECT {d}, e.claim, e.operator, 'approve', '', {t} FROM gen_tx e WHERE e.kind = 0",
        ),
        (
            "bank_notice (id, district_id, community_id, kind, claim_id, transfer_id, masked_name, title, points,"
            " starts_at, ends_at, state)",
            f"SELECT e.notice, {d}, e.community, CASE e.kind WHEN 0 THEN 'award' ELSE 'disbursement' END,"
            f" {_null('e.claim')}, e.tid, w.masked, CASE e.kind WHEN 0 THEN ru.heading ELSE '节日慰问困难居民' END,"
            f" e.amount, {t}, {ends},"
            " CASE WHEN e.kind = 3 THEN 'info' WHEN e.cstate = 0 THEN 'open' WHEN e.cstate = 1 THEN 'settled' ELSE 'voided' END"
            " FROM gen_tx e JOIN gen_wallet w ON w.w = e.wal LEFT JOIN gen_rule ru ON e.kind = 0 AND ru.idx = e.aux"
            " WHERE e.kind IN (0, 3)",
        ),
        (
            "bank_redemption (id, district_id, reward_id, partner_id, person_id, points, code, state, transfer_id,"
            " expires_at, created_at, resolved_at, collected_by_id, cancelled_by_id, cancelled_by_resident)",
            f"SELECT e.rid, {d}, rw.reward_id, rw.partner_id, w.person, e.amount, {_code('e.code')},"
            " CASE e.rstate WHEN 0 THEN 'pending' WHEN 1 THEN 'collected' WHEN 2 THEN 'cancelled' ELSE 'expired' END,"
            f" e.tid, {ends}, {t}, {r}, {_null('e.collector')}, {_null('e.canceller')}, e.byres = 1"
            " FROM gen_tx e JOIN gen_wallet w ON w.w = e.wal JOIN gen_reward rw ON rw.idx = e.aux WHERE e.kind = 1",
        ),
        (
            "bank_donation (district_id, donor_id, community_id, recipient_id, points, message, transfer_id,"
            " created_at)",
            f"SELECT {d}, w.person, e.community, {_null('e.aux')}, e.amount, '一点心意', e.tid, {t}"
            " FROM gen_tx e JOIN gen_wallet w ON w.w = e.wal WHERE e.kind = 2",
        ),
    ]


def expand(rows: np.ndarray, world: World, bulk) -> None:
    """Write the staged rows' transfers and everything that belongs to them, then empty the stage."""
    offset = int(timezone.localtime(timezone.now()).utcoffset().total_seconds())
    with connection.cursor() as cursor:
        _copy_ints(cursor, "gen_tx", rows, COLUMNS)
        if _pg():
            cursor.execute("ANALYZE gen_tx")
        for target, select in _statements(world.district.pk, offset):
            cursor.execute(f"INSERT INTO {target} {select}")
            bulk.written[target.split(" ")[0]] = bulk.written.get(target.split(" ")[0], 0) + cursor.rowcount
        cursor.execute("DELETE FROM gen_tx")


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

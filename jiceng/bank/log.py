"""The district's transparency log: appending leaves, signing checkpoints, serving proofs.

Appending runs in batches outside the transfers' own transactions (from
`jiceng ledger checkpoint`, or `jiceng bank settle` once a final transfer has waited
half of `LEDGER_LOG_WITHIN_MINUTES`), so the log never serialises transfers. A transfer becomes a leaf once, when it reaches a final state (posted or
voided); a posted transfer never changes again, since corrections are new transfers.
"""

import base64
import datetime as dt
import json
import logging
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import CharField, F, Func, Q
from django.utils import timezone

from jiceng import transparency
from jiceng.bank.models import Checkpoint, LogLeaf, LogNode, LogQueue, Transfer, TransferState
from jiceng.regions.models import Region

LEAF_VERSION = 1
# Interior nodes are stored on every NODE_STRIDE-th level (4, 8, 12, …): one row per fifteen
# leaves, and a proof's sibling is folded from at most eight of them.
NODE_STRIDE = 4
logger = logging.getLogger(__name__)


def _ts(value: dt.datetime | str | None) -> str | None:
    if value is None or type(value) is str:  # a str is already the leaf's form (`_utc_text`)
        return value
    if value.tzinfo is not dt.UTC:
        value = value.astimezone(dt.UTC)
    if value.year < 1000:  # isoformat pads the year, strftime does not
        return value.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return value.isoformat(timespec="microseconds")[:-6] + "Z"


ENTRY_FIELDS = (
    "id",
    "key",
    "debit_id",
    "credit_id",
    "amount",
    "kind",
    "state",
    "reason",
    "reverses_id",
    "created_at",
    "resolved_at",
)


def _utc_text(field: str) -> Func:
    """PostgreSQL writes a timestamp in the leaf's form (`_ts`: UTC, microseconds, "Z"; a year below
    1000 unpadded, as strftime writes it), so a checkpoint of a million transfers does not parse two
    million timestamps in Python only to format them again (half its time)."""
    return Func(
        F(field),
        template="to_char(%(expressions)s AT TIME ZONE 'UTC', 'FMYYYY-MM-DD\"T\"HH24:MI:SS.US\"Z\"')",
        output_field=CharField(),
    )


def _entry_rows(qs):
    """`qs` as tuples of `ENTRY_FIELDS`' values, the timestamps already in the leaf's form on PostgreSQL."""
    if connection.vendor != "postgresql":
        return qs.values_list(*ENTRY_FIELDS)
    named = {"created_at": "created_text", "resolved_at": "resolved_text"}
    return qs.annotate(
        created_text=_utc_text("created_at"), resolved_text=_utc_text("resolved_at")
    ).values_list(*(named.get(f, f) for f in ENTRY_FIELDS))


_json_str = json.encoder.encode_basestring  # what json.dumps(ensure_ascii=False) writes for a str
_ENTRY = (
    '{"amount":%d,"created":%s,"credit":%d,"debit":%d,"district":%s,"id":%d,"key":%s,"kind":%s,'
    '"reason":%s,"resolved":%s,"reverses":%s,"state":%s,"v":' + str(LEAF_VERSION) + "}"
)


def leaf_entry(district_code: str, row: dict) -> bytes:
    """The canonical bytes of a transfer in its final state: compact JSON with sorted keys."""
    return leaf_bytes(district_code, tuple(row[f] for f in ENTRY_FIELDS))


def leaf_bytes(district_code: str, values: tuple) -> bytes:
    """`leaf_entry` from the values of `ENTRY_FIELDS` in order, without building dicts.

    Writes exactly what `json.dumps(entry, ensure_ascii=False, sort_keys=True,
    separators=(",", ":"))` writes (a test holds the two equal), three times faster.
    """
    id_, key, debit, credit, amount, kind, state, reason, reverses, created, resolved = values
    if type(id_) is not int or type(debit) is not int or type(credit) is not int or type(amount) is not int:
        return _leaf_json(district_code, values)
    created, resolved = _ts(created), _ts(resolved)
    return (
        _ENTRY
        % (
            amount,
            "null" if created is None else _json_str(created),
            credit,
            debit,
            _json_str(district_code),
            id_,
            _json_str(key),
            _json_str(kind),
            _json_str(reason),
            "null" if resolved is None else _json_str(resolved),
            "null" if reverses is None else json.dumps(reverses),
            _json_str(state),
        )
    ).encode()


def _leaf_json(district_code: str, values: tuple) -> bytes:
    row = dict(zip(ENTRY_FIELDS, values, strict=True))
    entry = {
        "v": LEAF_VERSION,
        "district": district_code,
        "id": row["id"],
        "key": row["key"],
        "debit": row["debit_id"],
        "credit": row["credit_id"],
        "amount": row["amount"],
        "kind": row["kind"],
        "state": row["state"],
        "reason": row["reason"],
        "reverses": row["reverses_id"],
        "created": _ts(row["created_at"]),
        "resolved": _ts(row["resolved_at"]),
    }
    return json.dumps(entry, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def transfer_entry(t: Transfer) -> bytes:
    district_code = Region.objects.values_list("code", flat=True).get(pk=t.district_id)
    return leaf_entry(district_code, {f: getattr(t, f) for f in ENTRY_FIELDS})


# ---------------------------------------------------------------- keys


def signer_key() -> str:
    """The district's Ed25519 signing key: from settings, or generated once for development."""
    if settings.LEDGER_SIGNER_KEY:
        return settings.LEDGER_SIGNER_KEY
    return _dev_signer_key(str(settings.VAR_DIR / "ledger-signer.key"))


@lru_cache(maxsize=2)
def _dev_signer_key(path: str) -> str:
    file = Path(path)
    if not file.exists():
        signer, _verifier = transparency.generate_signer_key(settings.LEDGER_KEY_NAME)
        tmp = file.with_suffix(".tmp")
        tmp.write_text(signer)
        tmp.chmod(0o600)
        try:
            tmp.rename(file) if not file.exists() else tmp.unlink()
        except FileExistsError:
            tmp.unlink()
    return file.read_text().strip()


def verifier_key() -> str:
    return transparency.verifier_from_signer(signer_key())


def origin(district: Region) -> str:
    return f"{settings.LEDGER_LOG_ORIGIN}/{district.code}"


# ---------------------------------------------------------------- appending


def _lock_log(district: Region) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [7_301, district.pk])
    # SQLite: the IMMEDIATE transaction already holds the only write lock.


def _copy_rows(table: str, columns: str, rows: list[tuple]) -> None:
    """Write rows: COPY on PostgreSQL, batched executemany on SQLite."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with (
                connection.wrap_database_errors,
                cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
            ):
                for row in rows:
                    copy.write_row(row)
        else:
            marks = ", ".join(["%s"] * (columns.count(",") + 1))
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def _insert_leaves(rows: list[tuple]) -> None:
    """(district_id, index, transfer_id, leaf_hash) rows."""
    _copy_rows(LogLeaf._meta.db_table, 'district_id, "index", transfer_id, leaf_hash', rows)


def _insert_nodes(district_id: int, nodes: list[tuple[int, int, bytes]]) -> None:
    """(level, index, hash) nodes of one district."""
    _copy_rows(
        LogNode._meta.db_table,
        'district_id, level, "index", hash',
        [(district_id, level, index, h) for level, index, h in nodes],
    )


def latest_checkpoint(district: Region) -> Checkpoint | None:
    return Checkpoint.objects.filter(district=district).order_by("-size").first()


def _leaves_end_at(district: Region, size: int) -> bool:
    """The district's leaves are exactly indices below `size`, judged at the right edge only."""
    leaves = LogLeaf.objects.filter(district=district)
    return not leaves.filter(index__gte=size).exists() and (
        size == 0 or leaves.filter(index=size - 1).exists()
    )


def checkpoint(
    district: Region, *, batch: int = 20_000, progress=None, written: tuple[int, int] | None = None
) -> Checkpoint | None:
    """Append every newly final transfer as a leaf, store the tree's new nodes, sign a checkpoint.

    Streams the new transfers in batches: each batch is hashed, its leaves and the
    interior nodes it completes are written (COPY on PostgreSQL), and the frontier grows.
    Returns the new checkpoint, or the latest one if there was nothing to append.

    `written` = (first, end): instead of the queue, the final transfers with ids in [first, end)
    that have no leaf, for a bulk writer that wrote them with the queue paused (`queue_paused`).
    """
    with transaction.atomic():
        _lock_log(district)
        last = latest_checkpoint(district)
        size = last.size if last else 0
        frontier = transparency.Frontier(size, [bytes.fromhex(p) for p in last.peaks] if last else [])
        if not _leaves_end_at(district, size):
            raise RuntimeError(
                "transparency log leaves and checkpoint disagree; run `jiceng ledger verify --full`"
            )
        # The queue (`LogQueue`) names the new final transfers; a transfer that somehow already has
        # its leaf is left out here and its stale queue row dropped below.
        new = queued(district) if written is None else _written(district, *written)
        pending = _entry_rows(new.order_by("resolved_at", "id"))
        total = pending.count() if progress else 0
        if connection.vendor == "postgresql":
            rows = pending.iterator(
                chunk_size=batch
            )  # a server-side cursor: its snapshot ignores our inserts
        else:
            rows = iter(list(pending))  # SQLite would see the leaves written while it reads
        ranges = transparency.NodeBuilder.tail_ranges(size, NODE_STRIDE)
        got = _fetch_nodes(district.pk, {level: [r] for level, r in ranges.items()})
        tails = {level: [got[(level, i)] for i in range(lo, hi)] for level, (lo, hi) in ranges.items()}
        builder = transparency.NodeBuilder(size, NODE_STRIDE, tails)
        code, start, leaf_hash = district.code, size, transparency.leaf_hash
        while chunk := _take(rows, batch):
            hashes = [leaf_hash(leaf_bytes(code, row)) for row in chunk]
            _insert_leaves(
                [
                    (district.pk, size + i, row[0], h)
                    for i, (row, h) in enumerate(zip(chunk, hashes, strict=True))
                ]
            )
            _insert_nodes(district.pk, builder.extend(hashes))
            frontier.extend(hashes)
            size += len(chunk)
            if progress:
                progress(size - start, total)
        if written is None:
            _dequeue(district, start)
        if size == start and last is not None:
            return last
        root = frontier.root()
        note = transparency.sign_note(
            transparency.format_checkpoint(origin(district), frontier.size, root), signer_key()
        )
        return Checkpoint.objects.create(
            district=district,
            size=frontier.size,
            root_hash=root,
            note=note,
            peaks=[p.hex() for p in frontier.peaks],
        )


def rebuild_nodes(district: Region, *, batch: int = 20_000, progress=None) -> int:
    """Store the district's interior nodes afresh from its leaves; returns how many."""
    with transaction.atomic():
        _lock_log(district)
        LogNode.objects.filter(district=district).delete()
        builder = transparency.NodeBuilder(0, NODE_STRIDE)
        hashes = (
            bytes(h)
            for h in LogLeaf.objects.filter(district=district)
            .order_by("index")
            .values_list("leaf_hash", flat=True)
            .iterator(chunk_size=batch)
        )
        made = done = 0
        while chunk := _take(hashes, batch):
            nodes = builder.extend(chunk)
            _insert_nodes(district.pk, nodes)
            made += len(nodes)
            done += len(chunk)
            if progress:
                progress(done, None)
        return made


def _take(rows, n: int) -> list:
    chunk = []
    for row in rows:
        chunk.append(row)
        if len(chunk) == n:
            break
    return chunk


FINAL = (TransferState.POSTED, TransferState.VOIDED)


def log_within() -> dt.timedelta:
    """How long a posted or voided transfer may wait before it is in the log (a setting)."""
    return dt.timedelta(minutes=settings.LEDGER_LOG_WITHIN_MINUTES)


def unlogged(district: Region | int | None = None, *, older_than: dt.datetime | None = None):
    """Final transfers not yet in the log, optionally only those resolved before `older_than`."""
    qs = Transfer.objects.filter(state__in=FINAL, leaf__isnull=True)
    if district is not None:
        qs = qs.filter(district=district)
    if older_than is not None:
        qs = qs.filter(resolved_at__lte=older_than)
    return qs


def queued(district: Region | int):
    """The district's final transfers in the log's queue that have no leaf yet."""
    return Transfer.objects.filter(log_queue__district=district, leaf__isnull=True)


def _written(district: Region, first: int, end: int):
    return unlogged(district).filter(id__gte=first, id__lt=end)


QUEUE_TRIGGERS = ("bank_transfer_log_queue_insert", "bank_transfer_log_queue_update")


@contextmanager
def queue_paused():
    """The log's queue triggers off while a bulk writer (`jiceng generate`) writes a year of transfers
    that it logs itself, by id (`checkpoint(written=...)`): the queue would take every one of them
    only for the checkpoint to delete it again, a fifth of the generator's time on PostgreSQL.

    PostgreSQL only, and only where this role owns the table (else nothing changes and the queue
    fills as ever); yields whether the queue is paused. The triggers are back on when the block
    ends, however it ends; a process killed inside it leaves them off, which the start-up check
    `log_queue_triggers_check` reports.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield False
        return
    table = Transfer._meta.db_table
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for name in QUEUE_TRIGGERS:
                cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER {name}")
    except DatabaseError:
        yield False
        return
    try:
        yield True
    finally:
        with transaction.atomic(), connection.cursor() as cursor:
            for name in QUEUE_TRIGGERS:
                cursor.execute(f"ALTER TABLE {table} ENABLE ALWAYS TRIGGER {name}")


def queue_triggers_off() -> list[str]:
    """The log queue's triggers that are present but switched off (PostgreSQL), by name."""
    if connection.vendor != "postgresql":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT tgname FROM pg_trigger WHERE tgname = ANY(%s) AND tgenabled = 'D' ORDER BY tgname",
            [list(QUEUE_TRIGGERS)],
        )
        return [name for (name,) in cursor.fetchall()]


def _dequeue(district: Region, start: int) -> None:
    """Drop the queue rows of the transfers logged from index `start` on, and of any transfer that
    was already a leaf."""
    queue, leaves = LogQueue._meta.db_table, LogLeaf._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {queue} WHERE district_id = %s AND transfer_id IN"
            f' (SELECT transfer_id FROM {leaves} WHERE district_id = %s AND "index" >= %s)',
            [district.pk, district.pk, start],
        )
        cursor.execute(
            f"DELETE FROM {queue} WHERE district_id = %s AND EXISTS"
            f" (SELECT 1 FROM {leaves} l WHERE l.transfer_id = {queue}.transfer_id)",
            [district.pk],
        )


def checkpoint_overdue(*, now: dt.datetime | None = None, also=()) -> list[Checkpoint]:
    """Append and sign for every district (and those in `also`) where a final transfer has waited
    half of `log_within()`; run each minute (by `bank settle`), that keeps every transfer's wait
    within the bound."""
    cutoff = (now or timezone.now()) - log_within() / 2
    waiting = LogQueue.objects.filter(resolved_at__lte=cutoff).values_list("district_id", flat=True)
    due = set(waiting.distinct()) | set(also)
    return [checkpoint(d) for d in Region.objects.filter(pk__in=due).order_by("pk")]


# ---------------------------------------------------------------- proofs
# Proofs read the few stored nodes they need (`LogNode`, leaves from `LogLeaf`): no worker
# keeps a tree in memory, and every proof is checked against the signed root before it
# is served.


def leaf_hashes(district: Region, upto: int, start: int = 0) -> list[bytes]:
    return [
        bytes(h)
        for h in LogLeaf.objects.filter(district=district, index__gte=start, index__lt=upto)
        .order_by("index")
        .values_list("leaf_hash", flat=True)
        .iterator(chunk_size=20_000)
    ]


_RANGES_PER_QUERY = 300


def _fetch_nodes(district_id: int, wanted: dict[int, list[tuple[int, int]]]) -> dict[tuple[int, int], bytes]:
    """{(level, index): hash} for the half-open index ranges asked per level; level 0 is the leaves."""
    out: dict[tuple[int, int], bytes] = {}
    leaf_ranges = [(0, lo, hi) for lo, hi in wanted.get(0, ())]
    node_ranges = [(level, lo, hi) for level, ranges in wanted.items() if level for lo, hi in ranges]
    leaves, nodes = LogLeaf._meta.db_table, LogNode._meta.db_table
    with connection.cursor() as cursor:
        for terms, sql in (
            (leaf_ranges, f'SELECT 0, "index", leaf_hash FROM {leaves} WHERE district_id = %s AND ('),
            (node_ranges, f'SELECT level, "index", hash FROM {nodes} WHERE district_id = %s AND ('),
        ):
            for at in range(0, len(terms), _RANGES_PER_QUERY):
                part = terms[at : at + _RANGES_PER_QUERY]
                if sql.startswith("SELECT 0"):
                    cond = " OR ".join(['("index" >= %s AND "index" < %s)'] * len(part))
                    params = [p for _lvl, lo, hi in part for p in (lo, hi)]
                else:
                    cond = " OR ".join(['(level = %s AND "index" >= %s AND "index" < %s)'] * len(part))
                    params = [p for term in part for p in term]
                cursor.execute(sql + cond + ")", [district_id, *params])
                for level, index, h in cursor.fetchall():
                    out[(level, index)] = bytes(h)
    return out


def tree_for(cp: Checkpoint) -> transparency.StoredTree:
    """The district's tree at `cp`, read from its stored nodes as proofs need them."""
    district_id = cp.district_id
    return transparency.StoredTree(cp.size, lambda wanted: _fetch_nodes(district_id, wanted), NODE_STRIDE)


def _whole_tree(cp: Checkpoint) -> transparency.MerkleTree:
    """The slow way, from every leaf, when stored nodes are missing or do not match the root."""
    logger.error(
        "区 %s 的日志树节点缺失或与检查点（%s 条）不符：证明改由全部叶子计算；请运行 `jiceng ledger nodes` 由叶子重建",
        cp.district_id,
        cp.size,
    )
    return transparency.MerkleTree(leaf_hashes(Region.objects.get(pk=cp.district_id), cp.size))


def _inclusion_proofs(cp: Checkpoint, leaves: list[tuple[int, bytes]]) -> list[list[bytes]]:
    """Inclusion proofs for (index, leaf hash) pairs against `cp`, each checked against its root."""
    root = bytes(cp.root_hash)
    try:
        proofs = tree_for(cp).inclusion_proofs([i for i, _h in leaves])
        if all(
            transparency.verify_inclusion_hash(h, i, cp.size, p, root)
            for (i, h), p in zip(leaves, proofs, strict=True)
        ):
            return proofs
    except LookupError:
        pass
    tree = _whole_tree(cp)
    return [tree.inclusion_proof(i, cp.size) for i, _h in leaves]


def inclusion_bundle(t: Transfer, cp: Checkpoint | None = None) -> dict:
    """A proof that the transfer is in the log, against the latest (or given) checkpoint."""
    district = Region.objects.get(pk=t.district_id)
    cp = cp or latest_checkpoint(district)
    leaf = LogLeaf.objects.filter(transfer=t).first()
    if cp is None or leaf is None or leaf.index >= cp.size:
        raise LookupError("not yet in a checkpoint")
    (proof,) = _inclusion_proofs(cp, [(leaf.index, bytes(leaf.leaf_hash))])
    return transparency.inclusion_bundle(transfer_entry(t), leaf.index, proof, cp.note, verifier_key())


def consistency_bundle(district: Region, old: Checkpoint, new: Checkpoint) -> dict:
    try:
        proof = tree_for(new).consistency_proof(old.size, new.size)
        good = transparency.verify_consistency(
            old.size, new.size, bytes(old.root_hash), bytes(new.root_hash), proof
        )
    except LookupError:
        good = False
    if not good:
        proof = _whole_tree(new).consistency_proof(old.size, new.size)
    return transparency.consistency_bundle(old.note, new.note, proof, verifier_key())


def account_proofs(account, *, limit: int = 500) -> dict:
    """An account's transfers in the latest checkpoint, each with its inclusion proof, for the
    ledger page to verify in the browser.

    The fields of each entry are those of an inclusion bundle; the signed checkpoint and the
    verifier key are given once. The newest `limit` are included (`truncated` says when there
    were more); `waiting` counts the account's transfers the checkpoint does not cover yet.
    """
    district = Region.objects.get(pk=account.district_id)
    cp = latest_checkpoint(district)
    mine = Transfer.objects.filter(Q(debit=account) | Q(credit=account))
    size = cp.size if cp else 0
    rows = list(
        mine.filter(leaf__index__lt=size)
        .order_by("-id")
        .values(*ENTRY_FIELDS, "leaf__index", "leaf__leaf_hash")[: limit + 1]
    )
    logged = mine.filter(leaf__index__lt=size).count() if len(rows) > limit else len(rows)
    shown = rows[:limit]
    proofs = (
        _inclusion_proofs(cp, [(r["leaf__index"], bytes(r["leaf__leaf_hash"])) for r in shown])
        if shown
        else []
    )
    entries = [
        {
            "type": "inclusion",
            "entry": base64.b64encode(leaf_entry(district.code, row)).decode("ascii"),
            "index": row["leaf__index"],
            "tree_size": size,
            "proof": [base64.b64encode(p).decode("ascii") for p in proof],
        }
        for row, proof in zip(shown, proofs, strict=True)
    ]
    return {
        "account": account.pk,
        "origin": origin(district),
        "tree_size": size,
        "checkpoint": cp.note if cp else None,
        "verifier_key": verifier_key(),
        "entries": entries,
        "truncated": len(rows) > limit,
        "waiting": mine.count() - logged,
    }

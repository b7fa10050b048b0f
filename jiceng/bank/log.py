"""The district's transparency log: appending leaves, signing checkpoints, serving proofs.

Appending runs in batches outside the transfers' own transactions (from
`jiceng ledger checkpoint`, or `jiceng bank settle` once a final transfer has waited
half of `LEDGER_LOG_WITHIN_MINUTES`), so the log never serialises transfers. A transfer becomes a leaf once, when it reaches a final state (posted or
voided); a posted transfer never changes again, since corrections are new transfers.
"""

import base64
import datetime as dt
import json
import threading
from functools import lru_cache
from pathlib import Path

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from jiceng import transparency
from jiceng.bank.models import Checkpoint, LogLeaf, Transfer, TransferState
from jiceng.regions.models import Region

LEAF_VERSION = 1


def _ts(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


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


def leaf_entry(district_code: str, row: dict) -> bytes:
    """The canonical bytes of a transfer in its final state: compact JSON with sorted keys."""
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


def _insert_leaves(rows: list[tuple]) -> None:
    """(district_id, index, transfer_id, leaf_hash) rows: COPY on PostgreSQL, executemany on SQLite."""
    columns = f'{LogLeaf._meta.db_table} (district_id, "index", transfer_id, leaf_hash)'
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {columns} FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            cursor.executemany(f"INSERT INTO {columns} VALUES (%s, %s, %s, %s)", rows)


def latest_checkpoint(district: Region) -> Checkpoint | None:
    return Checkpoint.objects.filter(district=district).order_by("-size").first()


def checkpoint(district: Region, *, batch: int = 20_000, progress=None) -> Checkpoint | None:
    """Append every newly final transfer as a leaf and sign a new checkpoint.

    Returns the new checkpoint, or the latest one if there was nothing to append.
    """
    with transaction.atomic():
        _lock_log(district)
        last = latest_checkpoint(district)
        size = last.size if last else 0
        frontier = transparency.Frontier(size, [bytes.fromhex(p) for p in last.peaks] if last else [])
        if LogLeaf.objects.filter(district=district).count() != size:
            raise RuntimeError("transparency log leaves and checkpoint disagree; run `jiceng ledger verify`")
        pending = unlogged(district).order_by("resolved_at", "id").values(*ENTRY_FIELDS)
        todo = list(pending.iterator(chunk_size=batch))
        if not todo and last is not None:
            return last
        leaves = []
        for row in todo:
            h = transparency.leaf_hash(leaf_entry(district.code, row))
            leaves.append(
                LogLeaf(district=district, index=size + len(leaves), transfer_id=row["id"], leaf_hash=h)
            )
            frontier.append(h)
            if progress and len(leaves) % batch == 0:
                progress(len(leaves), len(todo))
        LogLeaf.objects.bulk_create(leaves, batch_size=5000)
        root = frontier.root()
        note = transparency.sign_note(
            transparency.format_checkpoint(origin(district), frontier.size, root), signer_key()
        )
        cp = Checkpoint.objects.create(
            district=district,
            size=frontier.size,
            root_hash=root,
            note=note,
            peaks=[p.hex() for p in frontier.peaks],
        )
        if progress:
            progress(len(todo), len(todo))
        return cp


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


def checkpoint_overdue(*, now: dt.datetime | None = None, also=()) -> list[Checkpoint]:
    """Append and sign for every district (and those in `also`) where a final transfer has waited
    half of `log_within()`; run each minute (by `bank settle`), that keeps every transfer's wait
    within the bound."""
    cutoff = (now or timezone.now()) - log_within() / 2
    due = set(unlogged(older_than=cutoff).values_list("district_id", flat=True).distinct()) | set(also)
    return [checkpoint(d) for d in Region.objects.filter(pk__in=due).order_by("pk")]


# ---------------------------------------------------------------- proofs


def leaf_hashes(district: Region, upto: int, start: int = 0) -> list[bytes]:
    return [
        bytes(h)
        for h in LogLeaf.objects.filter(district=district, index__gte=start, index__lt=upto)
        .order_by("index")
        .values_list("leaf_hash", flat=True)
        .iterator(chunk_size=20_000)
    ]


# One Merkle tree per district and process, grown as checkpoints grow, so a proof
# costs O(log² n) instead of rereading every leaf hash.
_trees: dict[int, transparency.MerkleTree] = {}
_trees_lock = threading.Lock()


def tree_for(cp: Checkpoint) -> transparency.MerkleTree:
    """The district's tree covering at least `cp`, checked against its signed root."""
    with _trees_lock:
        district = Region.objects.get(pk=cp.district_id)
        tree = _trees.get(cp.district_id)
        if tree is None or tree.size > cp.size and tree.root(cp.size) != bytes(cp.root_hash):
            tree = transparency.MerkleTree()
        if tree.size < cp.size:
            tree.extend(leaf_hashes(district, cp.size, start=tree.size))
        if tree.root(cp.size) != bytes(cp.root_hash):
            # The database no longer matches what was cached (or was altered): start again from it.
            tree = transparency.MerkleTree(leaf_hashes(district, cp.size))
        _trees[cp.district_id] = tree
        return tree


def inclusion_bundle(t: Transfer, cp: Checkpoint | None = None) -> dict:
    """A proof that the transfer is in the log, against the latest (or given) checkpoint."""
    district = Region.objects.get(pk=t.district_id)
    cp = cp or latest_checkpoint(district)
    leaf = LogLeaf.objects.filter(transfer=t).first()
    if cp is None or leaf is None or leaf.index >= cp.size:
        raise LookupError("not yet in a checkpoint")
    proof = tree_for(cp).inclusion_proof(leaf.index, cp.size)
    return transparency.inclusion_bundle(transfer_entry(t), leaf.index, proof, cp.note, verifier_key())


def consistency_bundle(district: Region, old: Checkpoint, new: Checkpoint) -> dict:
    proof = tree_for(new).consistency_proof(old.size, new.size)
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
        mine.filter(leaf__index__lt=size).order_by("-id").values(*ENTRY_FIELDS, "leaf__index")[: limit + 1]
    )
    logged = mine.filter(leaf__index__lt=size).count() if len(rows) > limit else len(rows)
    tree = tree_for(cp) if rows else None
    entries = [
        {
            "type": "inclusion",
            "entry": base64.b64encode(leaf_entry(district.code, row)).decode("ascii"),
            "index": row["leaf__index"],
            "tree_size": size,
            "proof": [
                base64.b64encode(p).decode("ascii") for p in tree.inclusion_proof(row["leaf__index"], size)
            ],
        }
        for row in rows[:limit]
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

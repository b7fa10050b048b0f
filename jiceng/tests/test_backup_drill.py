"""The backup drill: back up while a separate process keeps moving points, restore into a fresh
database, and prove the restored ledger.

The writer awards, posts and donates through the real ledger and services, and signs
checkpoints, one commit at a time, printing each commit after it returns. While the backup
runs, each step of its progress waits for the writer's next commit, so the database changes
between every two tables pg_dump copies and every two steps of SQLite's backup. A consistent
backup holds exactly the writer's first k commits for some k, taken inside the backup's
window; `jiceng ledger verify` and the checkpoint checks then run on the restored database.
"""

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from jiceng.bank import log
from jiceng.bank.models import Transfer
from jiceng.bank.tests.factories import funded_wallet
from jiceng.core import backup
from jiceng.core.testing import subprocess_env
from jiceng.core.tests.test_backup import pg_tools  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[2]

SETUP = """
import json, os, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
django.setup()
"""

# argv: district id, wallet owners' person ids (comma-separated), stop file.
WRITER = (
    SETUP
    + """
from jiceng.bank import ledger, log
from jiceng.bank.services.giving import donation_create
from jiceng.people.models import Person
from jiceng.regions.models import Region

district = Region.objects.get(pk=int(sys.argv[1]))
people = list(Person.objects.select_related("community").filter(pk__in=sys.argv[2].split(",")).order_by("pk"))
stop = sys.argv[3]
pending = []

def said(*event):
    print(json.dumps(event), flush=True)

said("ready")
i = 0
while not os.path.exists(stop):
    person = people[i % len(people)]
    if i % 4 == 3:
        d = donation_create(person=person, points=1, request_id=f"drill-{i}")
        said("t", d.transfer.key)
    elif i % 4 == 1:
        t = ledger.award(wallet=ledger.wallet_id(person), community=person.community, key=f"drill-pending-{i}",
                         amount=2, reason="演练：公示中", pending=True, district=district.pk)
        pending.append(t)
        said("t", t.key)
    else:
        t = ledger.award(wallet=ledger.wallet_id(person), community=person.community, key=f"drill-award-{i}",
                         amount=3, reason="演练：直接入账", pending=False, district=district.pk)
        said("t", t.key)
    if i % 4 == 2 and len(pending) > 1:
        t = ledger.post(pending.pop(0))
        said("p", t.key)
    if i % 15 == 14:
        said("c", log.checkpoint(district).size)
    i += 1
said("stopped")
"""
)

# argv: backup file, district code; DATABASE_URL or SQLITE_PATH name the fresh database.
# One process runs `jiceng restore`, `jiceng ledger verify` and the checks; it starts with the
# drill and waits for a line on stdin, so Django's start-up overlaps the backup.
RESTORE_AND_CHECK = (
    SETUP
    + """
sys.stdin.readline()
import io
from django.core.management import CommandError, call_command
from jiceng import transparency
from jiceng.bank import ledger, log
from jiceng.bank.models import Checkpoint, LogLeaf, Transfer, TransferState
from jiceng.bank.verify import verify_district
from jiceng.people.models import Person
from jiceng.regions.models import Region

def command(*argv):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command(*argv, stdout=out, stderr=err)
        return {"ok": True, "out": out.getvalue()}
    except CommandError as exc:
        return {"ok": False, "out": out.getvalue() + err.getvalue() + str(exc)}

restored = command("restore", sys.argv[1])
verified = command("ledger", "verify")
district = Region.objects.get(code=sys.argv[2])
cp = log.latest_checkpoint(district)
_origin, size, root = transparency.parse_checkpoint(transparency.open_note(cp.note, log.verifier_key()))
leaves = log.leaf_hashes(district, size + 1_000_000)
final = Transfer.objects.filter(district=district, state__in=log.FINAL, resolved_at__lte=cp.created_at)
out = {
    "restore": restored,
    "verify": verified,
    "signed_size": size,
    "leaves": len(leaves),
    "root_matches": transparency.MerkleTree(leaves[:size]).root(size) == root == bytes(cp.root_hash),
    "final_before_checkpoint_missing": final.exclude(leaf__index__lt=size).count(),
    "transfers": dict(Transfer.objects.filter(district=district).values_list("key", "state")),
    "checkpoints": list(Checkpoint.objects.filter(district=district).order_by("size").values_list("size", flat=True)),
}
# The restored database carries on: new ids, a new award, a new checkpoint, still verified.
person = Person.objects.filter(district=district).order_by("pk").first()
t = ledger.award(wallet=ledger.wallet_id(person), community=person.community, key="after-restore", amount=1,
                 reason="恢复后", pending=False, district=district.pk)
out["new_id_above_restored"] = t.pk > max(Transfer.objects.exclude(pk=t.pk).values_list("pk", flat=True))
out["new_checkpoint"] = log.checkpoint(district).size
out["problems_after_new_award"] = verify_district(district)[0]
print(json.dumps(out), flush=True)
"""
)


class Writer:
    """The writer process, and the events it has reported, in commit order."""

    def __init__(self, tmp_path: Path, district, people):
        self.stop_file = tmp_path / "stop-writer"
        self.events: list[tuple] = []
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-c",
                WRITER,
                str(district.pk),
                ",".join(str(p.pk) for p in people),
                str(self.stop_file),
            ],
            cwd=ROOT,
            env=subprocess_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.events.append(tuple(json.loads(line)))

    def wait_for(self, count: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(self.events) < count:
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise AssertionError(f"写入进程没有按时提交 (writer stalled): {self.proc.stderr.read()}")
            time.sleep(0.002)

    def stop(self) -> list[tuple]:
        self.stop_file.touch()
        self.proc.wait(timeout=60)
        self._reader.join(timeout=10)
        assert self.events[-1] == ("stopped",), self.proc.stderr.read()
        return [e for e in self.events if e[0] in ("t", "p", "c")]

    def kill(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()


def _fresh_database(tmp_path: Path):
    """An empty database beside the test's own, and the environment that points a process at it."""
    if connection.vendor == "sqlite":
        target = tmp_path / "restored.sqlite3"
        env = subprocess_env(SQLITE_PATH=str(target))
        return env, lambda: None
    db = connection.settings_dict
    name = f"jc_backup_restore_{os.getpid()}"
    server = f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')

    def drop():
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return subprocess_env(DATABASE_URL=f"{server}/{name}"), drop


@pytest.mark.usefixtures("pg_tools")
def test_a_backup_taken_under_writes_restores_a_verified_ledger(regions, tmp_path, monkeypatch):
    district = regions["district"]
    wallets = [
        funded_wallet(regions[c], 50, name=f"演练{c}", key_prefix="drill-seed") for c in ("A1", "A2", "B1")
    ]
    first = log.checkpoint(district)
    seeded = set(Transfer.objects.filter(district=district).values_list("key", flat=True))
    # Small steps, so SQLite's backup takes many and the writer commits between each two.
    monkeypatch.setattr(backup, "SQLITE_STEP_PAGES", 16)
    env, drop = _fresh_database(tmp_path)
    checker = subprocess.Popen(
        [sys.executable, "-c", RESTORE_AND_CHECK, str(tmp_path / "drill.backup"), district.code],
        cwd=ROOT,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    writer = Writer(tmp_path, district, [w.person for w in wallets])
    try:
        writer.wait_for(1, timeout=120)  # Django starting, beside the checker
        assert writer.events[0] == ("ready",)
        writer.wait_for(20)  # a few checkpoints and posts already behind it
        steps = []

        def progress(done, total):
            # The database changes under the backup between every two of its steps.
            steps.append(done)
            assert len(steps) < 2_000, (
                "备份在写入下一直重新开始，无法完成 (the backup keeps restarting under writes)"
            )
            writer.wait_for(len(writer.events) + 1)

        before = len(writer.events) - 1
        figures = backup.database_backup(tmp_path / "drill.backup", progress=progress)
        after = len(writer.events) - 1
        events = writer.stop()
        assert len(steps) >= 10, steps
        assert after - before >= len(steps) - 1
        assert figures["format"] == connection.vendor
        out, err = checker.communicate("go\n", timeout=180)
        assert checker.returncode == 0, err
        got = json.loads(out.strip().splitlines()[-1])
    finally:
        writer.kill()
        if checker.poll() is None:
            checker.kill()
            checker.wait()
        drop()
    assert got["restore"]["ok"], got["restore"]
    assert got["verify"]["ok"] and "校验通过" in got["verify"]["out"], got["verify"]

    # The last signed checkpoint agrees with the restored log, and covers every transfer
    # that was final before it was signed.
    assert got["root_matches"] and got["leaves"] == got["signed_size"]
    assert got["final_before_checkpoint_missing"] == 0
    assert got["checkpoints"][-1] == got["signed_size"] >= first.size

    # The restore holds exactly the writer's first k commits: nothing half-written, nothing
    # from after the backup's moment, nothing missing from before it.
    keys = {e[1] for e in events if e[0] == "t"}
    pending_keys = {k for k in keys if k.startswith("drill-pending-")}
    transfers = got["transfers"]
    assert set(transfers) - keys == seeded, "还原的库里有写入进程没有提交过的流水"
    held = {("t", k) for k in transfers if k in keys}
    held |= {("p", k) for k, state in transfers.items() if k in pending_keys and state == "posted"}
    held |= {("c", size) for size in got["checkpoints"] if size > first.size}
    k = len(held)
    assert held == {tuple(e) for e in events[:k]}, "备份不是同一时刻的快照"
    assert before <= k < after, (before, k, after)
    assert len(transfers) == len(seeded) + sum(1 for e in events[:k] if e[0] == "t")

    assert got["new_id_above_restored"] and got["new_checkpoint"] > got["signed_size"]
    assert got["problems_after_new_award"] == []

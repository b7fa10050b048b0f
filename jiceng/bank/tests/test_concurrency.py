"""Real contention and real crashes, on whichever database the suite runs against."""

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection, connections

from jiceng.bank import ledger
from jiceng.bank.ledger import InsufficientPoints
from jiceng.bank.models import Account, Transfer, TransferKind
from jiceng.bank.tests.factories import funded_wallet
from jiceng.bank.verify import verify_district

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[3]


def test_sixteen_spenders_on_one_wallet(regions):
    wallet = funded_wallet(regions["A1"], 100)
    pool = ledger.love_pool(regions["A1"])
    district = regions["district"].pk
    barrier = threading.Barrier(16)
    results: list[str] = []

    def spend(i: int) -> None:
        try:
            barrier.wait()
            ledger.transfer(
                district=district,
                key=f"spend-{i}",
                pending=i % 2 == 0,
                debit=wallet.pk,
                credit=pool.pk,
                amount=10 if i < 15 else 7,
                kind=TransferKind.REDEMPTION,
                reason="兑换",
            )
            results.append("ok")
        except InsufficientPoints:
            results.append("refused")
        except Exception as exc:  # noqa: BLE001 - any other outcome fails the test below
            results.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=spend, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert set(results) <= {"ok", "refused"}, results
    wallet.refresh_from_db()
    spent = sum(t.amount for t in Transfer.objects.filter(key__startswith="spend-"))
    # 100 points buy exactly ten of the 10-point spends, or nine plus the 7-point one.
    assert results.count("ok") == 10 and spent in (100, 97)
    assert wallet.available == 100 - spent >= 0
    assert verify_district(regions["district"])[0] == []


def _subprocess_env() -> dict:
    env = dict(os.environ)
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        env["SQLITE_PATH"] = db["NAME"]
        env.pop("DATABASE_URL", None)
    else:
        env["DATABASE_URL"] = (
            f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    env["JICENG_TESTING"] = "1"
    return env


CRASH_SCRIPT = """
import os, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
django.setup()
from jiceng.bank import ledger
from jiceng.bank.ledger import Spec

wallet_id, community_issuance, district = (int(a) for a in sys.argv[1:4])
real = ledger._insert

def slow_insert(rows):
    out = real(rows)
    print("inserted", len(rows), flush=True)
    time.sleep(60)  # killed here, inside the batch's transaction
    return out

ledger._insert = slow_insert
specs = [Spec(key=f"crash-{i}", debit=community_issuance, credit=wallet_id, amount=1, kind="award", reason="批量")
         for i in range(5000)]
ledger.transfer_batch(specs, district=district)
print("committed", flush=True)
"""


def test_a_killed_batch_leaves_nothing_behind(regions):
    wallet = funded_wallet(regions["A1"], 0)
    issuance = ledger.issuance_account(regions["A1"])
    proc = subprocess.Popen(
        [sys.executable, "-c", CRASH_SCRIPT, str(wallet.pk), str(issuance.pk), str(regions["district"].pk)],
        cwd=ROOT,
        env=_subprocess_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = proc.stdout.readline()
        assert line.startswith("inserted"), line + proc.stderr.read()
        proc.kill()  # SIGKILL: no cleanup, no rollback from the client
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -9
    assert not Transfer.objects.filter(key__startswith="crash-").exists()
    assert Account.objects.get(pk=wallet.pk).posted == 0
    # the database is usable right away, and the ledger still verifies
    ledger.award(wallet=wallet, community=regions["A1"], key="after", amount=1, reason="r", pending=False)
    assert verify_district(regions["district"])[0] == []

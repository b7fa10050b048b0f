"""Real contention and real crashes, on whichever database the suite runs against."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from jiceng.bank import accounts, ledger
from jiceng.bank.models import Account, Donation, Redemption, Reward, Transfer
from jiceng.bank.services import rewards
from jiceng.bank.tests.factories import funded_wallet
from jiceng.bank.tests.test_rewards import fund, make_partner, make_reward
from jiceng.bank.verify import verify_district

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[3]


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


# ---------------------------------------------------------------- many processes at once

SETUP = """
import json, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
django.setup()
"""

SPEND_SCRIPT = (
    SETUP
    + """
from jiceng.bank import ledger
from jiceng.bank.ledger import InsufficientPoints
i, wallet, pool, district = (int(a) for a in sys.argv[1:5])
print("ready", flush=True)
sys.stdin.readline()
try:
    ledger.transfer(district=district, key=f"spend-{i}", pending=i % 2 == 0, debit=wallet, credit=pool,
                    amount=10 if i < 15 else 7, kind="redemption", reason="兑换")
    print(json.dumps("ok"), flush=True)
except InsufficientPoints:
    print(json.dumps("refused"), flush=True)
except Exception as exc:
    print(json.dumps(repr(exc)), flush=True)
"""
)

DONATE_SCRIPT = (
    SETUP
    + """
from jiceng.bank.services.giving import donation_create
from jiceng.people.models import Person
person = Person.objects.select_related("community").get(pk=int(sys.argv[1]))
print("ready", flush=True)
sys.stdin.readline()
try:
    d = donation_create(person=person, points=int(sys.argv[2]), request_id=sys.argv[3])
    print(json.dumps({"donation": d.pk, "transfer": d.transfer_id}), flush=True)
except Exception as exc:
    print(json.dumps({"error": repr(exc)}), flush=True)
"""
)


def _at_once(script: str, argvs: list[list]) -> list:
    """Start one process per argv, let them all set up, then release them together; their answers."""
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", script, *map(str, argv)],
            cwd=ROOT,
            env=_subprocess_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for argv in argvs
    ]
    try:
        for proc in procs:
            line = proc.stdout.readline()
            assert line.strip() == "ready", line + proc.stderr.read()
        for proc in procs:
            proc.stdin.write("go\n")
            proc.stdin.flush()
        answers = []
        for proc in procs:
            out, err = proc.communicate(timeout=240)
            assert out.strip(), err
            answers.append(json.loads(out.strip().splitlines()[-1]))
        return answers
    finally:
        for proc in procs:
            if proc.poll() is None:
                proc.kill()
                proc.wait()


def test_sixteen_spenders_on_one_wallet(regions):
    wallet = funded_wallet(regions["A1"], 100)
    pool = ledger.love_pool(regions["A1"])
    district = regions["district"].pk
    results = _at_once(SPEND_SCRIPT, [[i, wallet.pk, pool.pk, district] for i in range(16)])
    assert set(results) <= {"ok", "refused"}, results
    wallet.refresh_from_db()
    spent = sum(t.amount for t in Transfer.objects.filter(key__startswith="spend-"))
    # 100 points buy exactly ten of the 10-point spends, or nine plus the 7-point one.
    assert results.count("ok") == 10 and spent in (100, 97)
    assert wallet.available == 100 - spent >= 0
    assert verify_district(regions["district"])[0] == []


def test_sixteen_taps_with_one_request_id_get_the_one_donation(regions):
    wallet = funded_wallet(regions["A1"], 100)
    answers = _at_once(DONATE_SCRIPT, [[wallet.person_id, 30, "double-tap"] for _i in range(16)])
    assert all("error" not in a for a in answers), answers
    donation = Donation.objects.get(donor_id=wallet.person_id)
    assert {a["donation"] for a in answers} == {donation.pk}
    assert Transfer.objects.filter(key__contains="double-tap").count() == 1
    wallet.refresh_from_db()
    assert wallet.posted == 70
    assert verify_district(regions["district"])[0] == []


# ---------------------------------------------------------------- retries at the use case

# A second process commits a change to the wallet row after the donation's transaction has
# taken its snapshot (PostgreSQL, REPEATABLE READ: the ledger's update of that row then fails
# with a serialization failure), or holds SQLite's write lock while the donation begins
# ("database is locked"). Either way the use case must run again and succeed.
PG_TOUCH = """
import sys, psycopg
with psycopg.connect(sys.argv[1], autocommit=True) as conn:
    conn.execute("UPDATE bank_account SET name = name WHERE id = %s", [int(sys.argv[2])])
"""
SQLITE_HOLD = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN IMMEDIATE")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
conn.execute("ROLLBACK")
"""


def test_a_serialization_failure_is_retried_by_the_use_case(regions, personas, monkeypatch):
    """A redemption reads its reward first, in its own transaction, and then moves the wallet: the
    wallet changed in between fails to serialize, and the whole use case runs again. (A donation is
    one statement with no transaction of its own on PostgreSQL, so nothing can come between.)"""
    person = personas["resident"].person
    fund(person, 50)
    reward = make_reward(
        make_partner(personas["unit"], personas["sub_admin"]), personas["unit"], points_price=20, stock=5
    )
    attempts = []
    real_wallet_for = ledger.wallet_open

    def wallet_for(p):
        account = real_wallet_for(p)
        attempts.append(p.pk)
        if connection.vendor == "postgresql" and len(attempts) == 1:
            db = connection.settings_dict
            dsn = f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
            subprocess.run([sys.executable, "-c", PG_TOUCH, dsn, str(account.pk)], check=True, timeout=60)
        return account

    monkeypatch.setattr(accounts, "wallet_open", wallet_for)
    accounts.accounts_forget()  # the wallet's id is looked up inside the use case, where the hook runs
    holder = None
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        else:
            cursor.execute("PRAGMA busy_timeout = 200")
            holder = subprocess.Popen(
                [sys.executable, "-c", SQLITE_HOLD, connection.settings_dict["NAME"], "0.6"],
                stdout=subprocess.PIPE,
                text=True,
            )
            assert holder.stdout.readline().strip() == "locked"
    try:
        r = rewards.redemption_create(person=person, reward=reward, request_id="retried")
    finally:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION ISOLATION LEVEL READ COMMITTED")
            else:
                cursor.execute("PRAGMA busy_timeout = 30000")
        if holder is not None:
            holder.wait(timeout=30)
    if connection.vendor == "postgresql":
        assert len(attempts) == 2  # the first attempt failed to serialize and ran again
    assert Redemption.objects.filter(person=person).count() == 1 and r.points == 20
    assert Reward.objects.get(pk=reward.pk).stock == 4
    wallet = Account.objects.get(pk=ledger.wallet_id(person))
    assert (wallet.posted, wallet.pending_out) == (50, 20)
    assert verify_district(regions["district"])[0] == []

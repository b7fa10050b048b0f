"""The read replica for real: a PostgreSQL primary and a streaming standby of the test's own.

The module starts one pair (`pg_pair.PgPair`: initdb, pg_basebackup -R, pg_ctl) and runs
`replica_scenario.py` against it once, in a process whose settings name the pair's primary
and standby; each test below asserts one thing that run observed. It skips only where the
PostgreSQL server programs are not installed.
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from jiceng.tests.pg_pair import PgPair, pg_bin

ROOT = Path(__file__).resolve().parents[2]
BIN = pg_bin()
pytestmark = pytest.mark.skipif(
    BIN is None,
    reason="未找到 PostgreSQL 服务器程序（/usr/lib/postgresql/*/bin），跳过只读副本测试 "
    "(no PostgreSQL server binaries: replica test skipped)",
)


@pytest.fixture(scope="module")
def pair():
    started = time.monotonic()
    p = PgPair(BIN)
    try:
        p.start()
        p.sql("primary", "CREATE DATABASE jiceng")
        p.started_in = round(time.monotonic() - started, 2)
        yield p
    finally:
        p.stop()


@pytest.fixture(scope="module")
def seen(pair) -> dict:
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DATABASE_", "DJANGO_", "SQLITE_", "TEST_DATABASE", "PYTEST"))
    }
    env |= {
        "DATABASE_URL": pair.url("primary"),
        "DATABASE_REPLICA_URL": pair.url("standby"),
        "DATABASE_REPLICA_MAX_LAG_SECONDS": "30",
        "DB_CONN_MAX_AGE": "60",
        "JICENG_TESTING": "1",
        "REPLICA_STOP": json.dumps(pair.stop_command("standby")),
        "PYTHONPATH": str(ROOT),
    }
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "jiceng.tests.replica_scenario"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=240,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-6000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["timings"] |= {"clusters": pair.started_in, "scenario": round(time.monotonic() - started, 2)}
    print("只读副本测试用时 (replica test timings, s):", result["timings"])
    return result


def test_writes_transactions_locks_and_migrations_stay_on_the_primary(seen):
    assert seen["routing"] == {
        "get_read": "replica",
        "select_for_update": "default",
        "write": "default",
        "read_in_atomic": "default",
        "raw_sql_alias": "default",
        "post_read": "default",
        "outside_a_request": "default",
    }
    assert seen["migrate_on_replica_allowed"] == [False]


def test_a_resident_who_just_redeemed_sees_the_new_balance(seen):
    assert seen["wallet_before"]["available"] == 50 and seen["wallet_before"]["served"]["default"] == 0
    redeem = seen["redeem"]
    assert redeem["status"] == 302 and "/vouchers/" in redeem["location"] and redeem["mark"] == "set"
    assert redeem["served"]["replica"] == 0  # a POST reads and writes on the primary only
    # Replay is paused, so the standby still has the old stock and no voucher...
    assert (seen["standby_redemptions"], seen["standby_stock"], seen["primary_redemptions"]) == (0, 10, 1)
    # ...and yet the resident's next page shows the points held for the voucher: it read the primary.
    after = seen["wallet_after_redeem"]
    assert after["status"] == 200 and after["available"] == 30
    assert after["served"]["replica"] == 0 and after["served"]["default"] > 0


def test_a_neighbours_page_is_read_from_the_replica_and_may_be_stale(seen):
    before = seen["neighbour_before"]
    assert before["status"] == 200 and before["stock"] == 10
    assert before["served"]["default"] == 0 and before["served"]["replica"] > 0
    during = seen["neighbour_during_pause"]
    assert during["stock"] == 10  # within the allowed lag: the replica's view, one redemption behind
    assert during["served"]["default"] == 0 and during["served"]["replica"] > 0


def test_reads_go_to_the_primary_once_the_replica_lags_too_far(seen):
    lagging = seen["neighbour_while_lagging"]
    assert seen["lag_seen"] > 1
    assert lagging["stock"] == 9 and lagging["served"]["replica"] == 0


def test_the_mark_is_dropped_once_the_replica_has_replayed_the_write(seen):
    replayed = seen["wallet_after_replay"]
    assert replayed["available"] == 30 and replayed["mark"] == "deleted"
    assert replayed["served"]["default"] == 0 and replayed["served"]["replica"] > 0
    assert seen["wallet_unmarked"]["served"]["default"] == 0


def test_reads_go_to_the_primary_when_the_replica_does_not_answer(seen):
    down = seen["neighbour_replica_down"]
    assert down["status"] == 200 and down["stock"] == 9
    assert down["served"]["replica"] == 0


def test_login_sets_the_mark_so_the_new_session_is_found(seen):
    assert seen["login"]["status"] == 302 and seen["login"]["mark"] == "set"
    assert seen["wallet_after_login"]["status"] == 200 and seen["wallet_after_login"]["available"] == 50

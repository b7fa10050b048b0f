"""An objection filed in time stops its award even when it commits while `bank settle` runs.

Two real processes: the objector's transaction files the objection and keeps the notice
locked until told to commit; settle reads its list of due notices meanwhile (the
objection is not committed yet, so the notice looks due) and then has to wait for that
lock. Whatever settle read before, what it decides under the lock must see the objection.
"""

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest

from jiceng.bank.models import Account, NoticeState, Objection, ObjectionState, Transfer
from jiceng.bank.services.reviews import claim_review
from jiceng.bank.tests.factories import file_claim
from jiceng.bank.tests.test_concurrency import SETUP
from jiceng.bank.verify import verify_district
from jiceng.core.testing import subprocess_env

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[3]


OBJECT_SCRIPT = (
    SETUP
    + """
from django.db import transaction
from jiceng.bank.models import Notice
from jiceng.bank.services.objections import objection_file
from jiceng.core.models import User
user = User.objects.get(pk=int(sys.argv[1]))
with transaction.atomic():
    objection_file(user=user, notice=Notice.objects.get(pk=int(sys.argv[2])), reason="当天他并不在社区")
    print("filed", flush=True)
    sys.stdin.readline()  # the notice stays locked, the objection uncommitted, until the test says so
print("committed", flush=True)
"""
)

SETTLE_SCRIPT = (
    SETUP
    + """
import datetime as dt
from jiceng.bank import ledger
from jiceng.bank.services.settlement import bank_settle
real = ledger.one_transaction

def listed_then_lock(fn, **kw):
    print("listed", flush=True)  # the due list is read; the locking transaction starts now
    return real(fn, **kw)

ledger.one_transaction = listed_then_lock
now = dt.datetime.fromisoformat(sys.argv[1])
print("settled", bank_settle(now=now), flush=True)
"""
)


def _start(script: str, *args) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-c", script, *map(str, args)],
        cwd=ROOT,
        env=subprocess_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _expect(proc: subprocess.Popen, word: str) -> str:
    line = proc.stdout.readline()
    if not line.startswith(word):
        proc.kill()
        raise AssertionError(f"expected {word!r}, got {line!r}: {proc.stderr.read()}")
    return line


def test_an_objection_committing_while_settle_runs_keeps_the_award_pending(personas, rules, regions):
    me = personas["resident"]
    claim = claim_review(
        reviewer=personas["worker"], claim=file_claim(me, me.person, rules["helping"]), approve=True
    )
    notice = claim.notice
    objector = _start(OBJECT_SCRIPT, personas["outsider"].pk, notice.pk)
    settle = None
    try:
        _expect(objector, "filed")
        settle = _start(SETTLE_SCRIPT, (notice.ends_at + dt.timedelta(seconds=1)).isoformat())
        _expect(settle, "listed")  # settle read its list while the objection was not yet committed
        objector.stdin.write("\n")
        objector.stdin.flush()
        _expect(objector, "committed")
        out = _expect(settle, "settled")
        assert settle.wait(timeout=60) == 0, settle.stderr.read()
    finally:
        for proc in (objector, settle):
            if proc is not None and proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)
    assert out.split() == ["settled", "0"]
    notice.refresh_from_db()
    assert notice.state == NoticeState.OPEN
    assert Transfer.objects.get(pk=notice.transfer_id).state == "pending"
    assert Objection.objects.get(notice=notice).state == ObjectionState.OPEN
    assert Account.objects.get(person=me.person).posted == 0
    assert verify_district(regions["district"])[0] == []

"""Two processes racing to allocate from one line: only what the line holds goes out.

Each process reads what the line holds and then waits a second before writing, so without
the row lock both would read 1,000 yuan and both pass 600 down."""

import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import pytest

from jiceng.core.testing import subprocess_env
from jiceng.funding.models import Allocation
from jiceng.funding.queries.funds import budget_holds
from jiceng.funding.tests.factories import funded

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[3]

RACE_SCRIPT = """
import os, sys, time
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
django.setup()
from jiceng.core.models import User
from jiceng.funding import services
from jiceng.funding.errors import FundingError
from jiceng.funding.models import Budget
from jiceng.regions.models import Region

from jiceng.funding.services import funds

real_holds = funds.budget_holds


def slow_holds(line):
    held = real_holds(line)
    time.sleep(1.0)  # both processes have read what the line holds before either writes
    return held


funds.budget_holds = slow_holds
source_id, target_id, user_id, start = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
source, target, user = Budget.objects.get(pk=source_id), Region.objects.get(pk=target_id), User.objects.get(pk=user_id)
while time.time() < start:
    time.sleep(0.005)
try:
    services.allocation_make(actor=user, source=source, target_region=target, amount=600)
    print("allocated", flush=True)
except FundingError as exc:
    print("refused", exc, flush=True)
"""


def test_two_processes_racing_to_over_allocate_only_one_wins(regions, personas):
    admin = personas["district_admin"]
    top, _ = funded(regions, admin, district=1000)
    start = time.time() + 4  # both processes have set Django up by then and go at once
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", RACE_SCRIPT, str(top.pk), str(regions[sub].pk), str(admin.pk), str(start)],
            cwd=ROOT,
            env=subprocess_env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for sub in ("A", "B")
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    lines = sorted(out.strip().split(" ")[0] for out, _err in outs)
    assert lines == ["allocated", "refused"], outs
    assert Allocation.objects.count() == 1
    assert budget_holds(top) == Decimal(400)

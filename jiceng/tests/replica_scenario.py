"""Jiceng against a real primary and its streaming standby: what a resident and a neighbour see.

Run by `test_replica.py` in a process of its own, with ``DATABASE_URL`` the test's primary,
``DATABASE_REPLICA_URL`` its standby, and ``REPLICA_STOP`` the command that stops the
standby. It builds the schema and a small district, drives the real pages through the
test client and prints what it observed as one JSON object on its last line; the test
asserts on it. Which database served a page is counted by execute wrappers on both
connections (the router's own position checks are not counted).
"""

import importlib
import json
import os
import re
import subprocess
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
django.setup()

import psycopg  # noqa: E402
from django.apps import apps  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, connections, router, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from jiceng.core import dbrouter  # noqa: E402

seen: dict = {"timings": {}}
replica_url = os.environ["DATABASE_REPLICA_URL"]
primary_url = os.environ["DATABASE_URL"]


def timed(name: str, started: float) -> None:
    seen["timings"][name] = round(time.monotonic() - started, 2)


def standby(statement: str):
    with psycopg.connect(replica_url, autocommit=True) as conn:
        return conn.execute(statement).fetchall()


def wait_replayed(timeout: float = 30) -> None:
    with psycopg.connect(primary_url, autocommit=True) as conn:
        target = conn.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    deadline = time.monotonic() + timeout
    while not standby(f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0][0]:
        if time.monotonic() > deadline:
            raise TimeoutError("备库没有追上主库")
        time.sleep(0.05)


def counting(alias: str, counts: dict):
    def wrapper(execute, sql, params, many, context):
        if "pg_last_wal_replay_lsn" not in sql and "pg_current_wal_lsn" not in sql:
            counts[alias] += 1
        return execute(sql, params, many, context)

    return wrapper


def visit(client: Client, method: str, url: str, data: dict | None = None) -> dict:
    """One request through the whole stack; the statements each database served, and the page."""
    counts = {"default": 0, "replica": 0}
    with (
        connections["default"].execute_wrapper(counting("default", counts)),
        connections["replica"].execute_wrapper(counting("replica", counts)),
    ):
        response = getattr(client, method)(url, data or {})
    mark = response.cookies.get(dbrouter.COOKIE)
    return {
        "status": response.status_code,
        "served": counts,
        "location": response.get("Location", ""),
        "mark": None if mark is None else ("deleted" if not mark.value else "set"),
        "html": response.content.decode() if response.status_code == 200 else "",
    }


def stock_shown(html: str) -> int | None:
    found = re.search(r"<dt>剩余</dt><dd>(\d+) 份", html)
    return int(found.group(1)) if found else None


def available_shown(html: str) -> int | None:
    found = re.search(r'<div class="n">(\d+)</div>', html)
    return int(found.group(1)) if found else None


def summary(page: dict) -> dict:
    out = {k: v for k, v in page.items() if k != "html"}
    out["stock"] = stock_shown(page["html"])
    out["available"] = available_shown(page["html"])
    return out


# ---------------------------------------------------------------- the schema and a small district

started = time.monotonic()
# The schema straight from the models (as pytest-django's --no-migrations does): applying the
# migrations one by one costs a minute or more on a busy machine, and only the primary is written.
settings.MIGRATION_MODULES = {app.label: None for app in apps.get_app_configs()}
call_command("migrate", run_syncdb=True, verbosity=0, interactive=False)
# What the models do not describe comes from its migrations: the log queue's triggers and the
# function with which the ledger's statement refuses.
for name in ("0010_log_queue", "0013_bank_refuse"):
    with connection.schema_editor() as editor:
        importlib.import_module(f"jiceng.bank.migrations.{name}").forward(apps, editor)
timed("schema", started)
seen["migrate_on_replica_allowed"] = [
    router.allow_migrate("replica", app.label) for app in apps.get_app_configs() if app.label == "bank"
]

started = time.monotonic()
from conftest import PASSWORD, make_person, make_user  # noqa: E402
from jiceng.bank.models import Redemption, Reward  # noqa: E402
from jiceng.bank.tests.test_rewards import fund, make_partner, make_reward  # noqa: E402
from jiceng.core.models import Role  # noqa: E402
from jiceng.demo import DEMO_DISTRICT, DEMO_SOURCE  # noqa: E402
from jiceng.orgs.models import Organization  # noqa: E402
from jiceng.regions.models import Region  # noqa: E402
from jiceng.regions.services import regions_import_divisions  # noqa: E402

regions_import_divisions(source=DEMO_SOURCE, district=DEMO_DISTRICT, progress=False)
district = Region.objects.get(code=DEMO_DISTRICT)
sub = Region.objects.filter(parent=district).order_by("code").first()
community = Region.objects.filter(parent=sub).order_by("code").first()
unit = Organization.objects.create(district=district, region=community, kind="unit", name="示范单位")
sub_admin = make_user("s_admin", Role.SUBDISTRICT_ADMIN, region=sub)
operator = make_user("unit_a", Role.UNIT_OPERATOR, organization=unit)
resident = make_user("res_a1", Role.RESIDENT, region=community, person=make_person(community, "李建国"))
neighbour = make_user("res_a2", Role.RESIDENT, region=community, person=make_person(community, "张秀英"))
reward = make_reward(make_partner(operator, sub_admin), operator, stock=10, points_price=20)
fund(resident.person, 50)
timed("district", started)

# ---------------------------------------------------------------- where reads and writes go

with dbrouter.request_serving(dbrouter.RequestState(safe=True)):
    seen["routing"] = {
        "get_read": Reward.objects.all().db,
        "select_for_update": Reward.objects.select_for_update().db,
        "write": router.db_for_write(Reward),
    }
    with transaction.atomic():
        seen["routing"]["read_in_atomic"] = Reward.objects.all().db
        seen["routing"]["raw_sql_alias"] = connection.alias  # bank/ledger.py and statements.py use this
with dbrouter.request_serving(dbrouter.RequestState(safe=False)):
    seen["routing"]["post_read"] = Reward.objects.all().db
seen["routing"]["outside_a_request"] = Reward.objects.all().db

# ---------------------------------------------------------------- two residents log in

me, other = Client(), Client()
seen["login"] = summary(visit(me, "post", reverse("login"), {"username": "res_a1", "password": PASSWORD}))
seen["wallet_after_login"] = summary(visit(me, "get", reverse("bank:my_points")))
visit(other, "post", reverse("login"), {"username": "res_a2", "password": PASSWORD})
wait_replayed()
dbrouter.health_forget()
seen["neighbour_before"] = summary(visit(other, "get", reverse("bank:reward", args=[reward.pk])))
seen["wallet_before"] = summary(visit(me, "get", reverse("bank:my_points")))

# ---------------------------------------------------------------- replay paused: the redemption

standby("SELECT pg_wal_replay_pause()")
while standby("SELECT pg_get_wal_replay_pause_state()")[0][0] != "paused":
    time.sleep(0.02)
confirm = visit(me, "get", reverse("bank:reward_redeem", args=[reward.pk]))
request_id = re.search(r'name="request_id" value="(\w+)"', confirm["html"]).group(1)
seen["redeem"] = summary(
    visit(me, "post", reverse("bank:reward_redeem", args=[reward.pk]), {"request_id": request_id})
)
seen["wallet_after_redeem"] = summary(visit(me, "get", reverse("bank:my_points")))
seen["neighbour_during_pause"] = summary(visit(other, "get", reverse("bank:reward", args=[reward.pk])))
seen["primary_redemptions"] = Redemption.objects.count()
seen["standby_redemptions"] = standby("SELECT count(*) FROM bank_redemption")[0][0]
seen["standby_stock"] = standby(f"SELECT stock FROM bank_reward WHERE id = {reward.pk}")[0][0]

# The replica falls further behind than the setting allows: reads go to the primary.
settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 1
dbrouter.health_forget()
time.sleep(2.2)
seen["neighbour_while_lagging"] = summary(visit(other, "get", reverse("bank:reward", args=[reward.pk])))
seen["lag_seen"] = round(dbrouter.health().lag(time.monotonic()), 2)

# ---------------------------------------------------------------- replay resumed

settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 30
standby("SELECT pg_wal_replay_resume()")
wait_replayed()
dbrouter.health_forget()
seen["wallet_after_replay"] = summary(visit(me, "get", reverse("bank:my_points")))
seen["wallet_unmarked"] = summary(visit(me, "get", reverse("bank:my_points")))

# ---------------------------------------------------------------- the standby stops answering

subprocess.run(json.loads(os.environ["REPLICA_STOP"]), check=True, capture_output=True, timeout=60)
time.sleep(dbrouter.CHECK_SECONDS + 0.1)
seen["neighbour_replica_down"] = summary(visit(other, "get", reverse("bank:reward", args=[reward.pk])))

print(json.dumps(seen, ensure_ascii=False))
sys.stdout.flush()

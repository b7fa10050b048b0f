"""The replica router's decisions, on whatever database the suite runs on, with no replica configured.

The router against a real standby is `test_replica.py`; here are the rules it decides
by (the replica's health, a client's mark, what a statement writes) and the promise that
without ``DATABASE_REPLICA_URL`` nothing changes: no alias, no router, every read on the
primary.
"""

import json
import math
import time

import pytest
from django.conf import settings as django_settings
from django.db import connection, transaction
from django.http import HttpResponse
from django.test import RequestFactory, override_settings
from django.urls import reverse

from jiceng.core import dbrouter
from jiceng.core.dbrouter import Health, ReplicaRouter, RequestState
from jiceng.core.models import User
from jiceng.core.tests.test_settings import _settings_in_subprocess

ROUTER = "jiceng.core.dbrouter.ReplicaRouter"
MIDDLEWARE = "jiceng.core.dbrouter.ReplicaMiddleware"


@pytest.fixture
def fresh_health():
    """The process's replica state, as set by a test, put back afterwards."""
    dbrouter.health_forget()
    yield
    dbrouter.health_forget()


def caught_up(replay_lsn=1000, behind_by=0.0) -> Health:
    return Health(checked=time.monotonic(), answered=True, replay_lsn=replay_lsn, behind_by=behind_by)


# ---------------------------------------------------------------- without a replica nothing changes


def test_settings_add_the_replica_only_when_asked_and_refuse_what_cannot_work():
    show = (
        "__import__('json').dumps([s.DATABASE_ROUTERS, sorted(s.DATABASES),"
        f" '{MIDDLEWARE}' in s.MIDDLEWARE and s.MIDDLEWARE.index('{MIDDLEWARE}'),"
        " s.DATABASES.get('replica', {}).get('TEST')])"
    )
    plain = _settings_in_subprocess(
        show=show, DEBUG="True", DATABASE_URL="postgresql://u@127.0.0.1:5432/db", DATABASE_REPLICA_URL=""
    )
    assert json.loads(plain.stdout) == [[], ["default"], False, None], plain.stderr
    both = _settings_in_subprocess(
        show=show,
        DEBUG="True",
        DATABASE_URL="postgresql://u@127.0.0.1:5432/db",
        DATABASE_REPLICA_URL="postgresql://u@10.0.0.2:5433/db",
    )
    # The middleware comes before the session's, so the session is read where the mark says.
    assert json.loads(both.stdout) == [[ROUTER], ["default", "replica"], 2, {"MIRROR": "default"}], (
        both.stderr
    )
    on_sqlite = _settings_in_subprocess(show=show, DEBUG="True", DATABASE_REPLICA_URL="postgresql://u@h/db")
    assert on_sqlite.returncode != 0 and "DATABASE_URL 也必须是 postgresql://" in on_sqlite.stderr
    wrong = _settings_in_subprocess(
        show=show, DEBUG="True", DATABASE_URL="postgresql://u@h/db", DATABASE_REPLICA_URL="sqlite:///x.db"
    )
    assert wrong.returncode != 0 and "DATABASE_REPLICA_URL 必须是 postgresql://" in wrong.stderr
    no_lag = _settings_in_subprocess(show=show, DEBUG="True", DATABASE_REPLICA_MAX_LAG_SECONDS="0")
    assert no_lag.returncode != 0 and "DATABASE_REPLICA_MAX_LAG_SECONDS" in no_lag.stderr


@pytest.mark.django_db
def test_without_a_replica_the_router_sends_every_read_to_the_primary(fresh_health):
    assert not dbrouter.active()
    dbrouter._health = caught_up()
    with override_settings(DATABASE_ROUTERS=[ROUTER]), dbrouter.request_serving(RequestState(safe=True)):
        assert User.objects.all().db == "default"
        assert User.objects.select_for_update().db == "default"
        assert User.objects.count() == 0


@pytest.mark.django_db
def test_without_a_replica_the_middleware_sets_no_mark(client):
    with override_settings(MIDDLEWARE=[MIDDLEWARE, *django_settings.MIDDLEWARE], DATABASE_ROUTERS=[ROUTER]):
        response = client.post(reverse("login"), {"username": "nobody-replica", "password": "wrong-password"})
    assert response.status_code == 200 and dbrouter.COOKIE not in response.cookies


def test_the_router_writes_and_migrates_only_on_the_primary():
    r = ReplicaRouter()
    assert r.db_for_write(User) == "default"
    assert r.allow_migrate("default", "bank") is True and r.allow_migrate("replica", "bank") is False
    a, b, elsewhere = User(), User(), User()
    a._state.db, b._state.db, elsewhere._state.db = "default", "replica", "archive"
    assert r.allow_relation(a, b) is True and r.allow_relation(a, elsewhere) is None


# ---------------------------------------------------------------- the replica's health


def test_a_caught_up_replica_is_usable_until_its_check_grows_old():
    h = Health(checked=100.0, answered=True, replay_lsn=5, behind_by=0.0)
    assert h.lag(100.4) == pytest.approx(0.4) and h.usable(100.4, 5)
    assert not h.usable(106.0, 5)  # nobody has checked for 6 s: it may be 6 s behind by now
    assert not h.due(100.5) and h.due(101.0)


def test_a_lagging_replica_is_usable_only_within_the_allowed_lag():
    h = Health(checked=100.0, answered=True, replay_lsn=5, behind_by=3.0)
    assert h.usable(101.0, 5) and not h.usable(102.5, 5)
    assert h.replayed(5) and not h.replayed(6)


def test_a_replica_that_did_not_answer_is_unusable_and_asked_again_later():
    down = Health(checked=100.0)
    assert down.lag(100.0) == math.inf and not down.usable(100.0, 3600) and not down.replayed(0)
    assert not down.due(100.0 + dbrouter.CHECK_SECONDS) and down.due(100.0 + dbrouter.DOWN_RETRY_SECONDS)
    assert Health().due(time.monotonic())


def test_wal_positions_compare_as_numbers():
    assert dbrouter.lsn_parse("16/B374D848") == 0x16B374D848
    assert dbrouter.lsn_parse("0/FFFFFFFF") < dbrouter.lsn_parse("1/0")
    assert (
        dbrouter.lsn_parse("") is None
        and dbrouter.lsn_parse("zz/1") is None
        and dbrouter.lsn_parse(None) is None
    )


# ---------------------------------------------------------------- one request's decision


def test_a_get_reads_the_replica_when_it_is_fresh_and_the_client_has_no_mark(fresh_health):
    dbrouter._health = caught_up()
    assert RequestState(safe=True).reads_replica()
    assert not RequestState(safe=False).reads_replica()  # a POST reads on the primary
    wrote = RequestState(safe=True, wrote=True)
    assert not wrote.reads_replica()


def test_a_mark_keeps_reads_on_the_primary_until_the_replica_has_replayed_it(fresh_health):
    dbrouter._health = caught_up(replay_lsn=1000)
    waiting = RequestState(safe=True, mark=1001)
    assert not waiting.reads_replica() and not waiting.mark_passed
    passed = RequestState(safe=True, mark=1000)
    assert passed.reads_replica() and passed.mark_passed


def test_a_lagging_replica_sends_reads_to_the_primary_but_still_clears_replayed_marks(fresh_health, settings):
    settings.DATABASE_REPLICA_MAX_LAG_SECONDS = 5
    dbrouter._health = caught_up(replay_lsn=1000, behind_by=6.0)
    state = RequestState(safe=True, mark=900)
    assert not state.reads_replica() and state.mark_passed


def test_the_decision_is_made_once_per_request(fresh_health):
    dbrouter._health = caught_up()
    state = RequestState(safe=True)
    assert state.reads_replica()
    dbrouter._health = Health(checked=time.monotonic())  # the replica goes away mid-request
    assert state.reads_replica()
    state.wrote = True  # ...but a write moves the rest of the request to the primary
    assert not state.reads_replica()


# ---------------------------------------------------------------- what counts as a write


@pytest.mark.django_db
def test_only_statements_that_change_rows_mark_the_request_as_a_writer():
    state = RequestState(safe=True)
    with dbrouter.request_serving(state):
        User.objects.filter(username="nobody").count()
        User.objects.filter(username="nobody").update(display_name="x")  # nothing changed
        with transaction.atomic(), transaction.atomic():  # a savepoint is no write either
            User.objects.filter(username="nobody").exists()
        assert not state.wrote
        User.objects.create(username="replica-writer")
        assert state.wrote
    other = RequestState(safe=True)
    with dbrouter.request_serving(other), connection.cursor() as cursor:
        cursor.execute("WITH x AS (SELECT 1) SELECT * FROM x")  # a WITH may insert: counted
    assert other.wrote


def test_statement_words_are_read_past_spaces_and_parentheses():
    assert not dbrouter.statement_writes("\n  (SELECT 1) UNION (SELECT 2)", False, None)
    assert not dbrouter.statement_writes("RELEASE SAVEPOINT s1", False, None)
    assert dbrouter.statement_writes("INSERT INTO t VALUES (1)", True, None)  # executemany: counted
    assert dbrouter.statement_writes("TRUNCATE t", False, None)


# ---------------------------------------------------------------- the client's mark


def test_the_mark_is_signed_and_read_back():
    response = HttpResponse()
    response.set_signed_cookie(dbrouter.COOKIE, "123456", salt=dbrouter.SALT)
    signed = response.cookies[dbrouter.COOKIE].value
    request = RequestFactory().get("/")
    request.COOKIES[dbrouter.COOKIE] = signed
    assert dbrouter.mark_read(request) == 123456
    request.COOKIES[dbrouter.COOKIE] = signed.replace("123456", "999999")
    assert dbrouter.mark_read(request) is None

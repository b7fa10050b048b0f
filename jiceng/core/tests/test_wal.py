"""SQLite's write-ahead log is copied back by the worker, off the request path (core.wal)."""

import os

import pytest
from django.conf import settings
from django.db import connection

from jiceng.core.jobs import periodic_list
from jiceng.core.tests.test_worker import start_worker, wait_for
from jiceng.core.wal import wal_checkpoint
from jiceng.people.models import Person

sqlite_only = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("postgresql"), reason="PostgreSQL checkpoints by itself"
)


@sqlite_only
@pytest.mark.django_db
def test_a_connection_checkpoints_by_itself_only_at_the_backstop():
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_autocheckpoint")
        assert cursor.fetchone()[0] == settings.SQLITE_WAL_PAGES
        cursor.execute("PRAGMA journal_mode")
        assert cursor.fetchone()[0] == "wal"


def test_the_worker_checkpoints_sqlite_and_leaves_postgresql_to_itself():
    periodic = periodic_list()
    if connection.vendor == "sqlite":
        every, run = periodic["sqlite-checkpoint"]
        assert every() == settings.SQLITE_CHECKPOINT_SECONDS and run is wal_checkpoint
    else:
        assert "sqlite-checkpoint" not in periodic
        assert wal_checkpoint() is None


@sqlite_only
@pytest.mark.django_db(transaction=True)
def test_the_worker_copies_the_log_into_the_database_file(regions):
    """Commits only append to the log; the database file grows when the worker checkpoints it."""
    path = connection.settings_dict["NAME"]
    wal_checkpoint()
    before = os.path.getsize(path)
    for i in range(40):  # 40 commits of some 200 pages in all: far below the backstop
        Person.objects.bulk_create(
            [
                Person(
                    district=regions["district"],
                    community=regions["A1"],
                    name=f"居民{i}-{j}" + "一" * 40,
                    gender="M",
                )
                for j in range(50)
            ]
        )
    assert os.path.getsize(path) == before, "a commit copied the log into the file by itself"
    worker = start_worker(SQLITE_CHECKPOINT_SECONDS="1")
    try:
        wait_for(lambda: os.path.getsize(path) > before, 60, "the worker's checkpoint")
    finally:
        worker.terminate()
        worker.communicate(timeout=30)

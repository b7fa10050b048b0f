"""`jiceng backup` and `jiceng restore`: their refusals, and --clean on the test database itself.

The drill under concurrent writes, into a fresh database, is `jiceng/tests/test_backup_drill.py`.
"""

import sqlite3

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from jiceng.core import backup
from jiceng.core.models import User

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pg_tools")]


@pytest.fixture
def pg_tools():
    """On PostgreSQL these need the client tools of the server's version; say so if they are missing."""
    if connection.vendor == "postgresql":
        try:
            backup.pg_tool("pg_dump", backup._server_major())
        except backup.BackupError as exc:
            pytest.skip(f"跳过备份测试 (backup tests skipped: no pg_dump for this server): {exc}")


def _backup(path, *args):
    call_command("backup", str(path), *args)
    return path


def test_it_refuses_to_overwrite_a_backup_without_force(tmp_path):
    target = _backup(tmp_path / "jiceng.backup")
    assert backup.backup_format(target) == connection.vendor
    made = target.stat().st_mtime_ns
    with pytest.raises(CommandError, match="已经存在.*--force"):
        _backup(target)
    assert target.stat().st_mtime_ns == made
    _backup(target, "--force")
    assert backup.backup_format(target) == connection.vendor
    assert target.stat().st_mode & 0o077 == 0  # it holds residents' records: the owner's only
    assert [p.name for p in tmp_path.iterdir()] == ["jiceng.backup"]  # no half-written file left


def test_it_says_where_a_backup_cannot_go(tmp_path):
    with pytest.raises(CommandError, match="文件夹 .*nowhere 不存在"):
        _backup(tmp_path / "nowhere" / "x.backup")
    with pytest.raises(CommandError, match="是一个文件夹"):
        _backup(tmp_path)


def test_it_names_what_is_wrong_with_the_file_to_restore(tmp_path):
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", str(tmp_path / "missing.backup"))
    text = tmp_path / "notes.txt"
    text.write_text("不是备份")
    with pytest.raises(CommandError, match="不是基层的备份文件"):
        call_command("restore", str(text))
    other = tmp_path / "other.backup"
    if connection.vendor == "sqlite":
        other.write_bytes(b"PGDMP\x01\x0e\x00" + b"\x00" * 100)
        expected = "是 PostgreSQL 数据库的备份，而当前配置的数据库是 SQLite"
    else:
        sqlite3.connect(other).execute("CREATE TABLE django_migrations (id integer)")
        expected = "是 SQLite 数据库的备份，而当前配置的数据库是 PostgreSQL"
    with pytest.raises(CommandError, match=expected):
        call_command("restore", str(other))


@pytest.mark.django_db(transaction=True)  # pg_dump must see the rows, and the restore replaces them
def test_it_refuses_a_database_that_is_not_empty_and_replaces_it_with_clean(tmp_path):
    before = User.objects.create(username="备份之前")
    target = _backup(tmp_path / "jiceng.backup")
    after = User.objects.create(username="备份之后")
    with pytest.raises(CommandError, match="不是空的.*--clean"):
        call_command("restore", str(target))
    assert User.objects.filter(pk=after.pk).exists()  # refused before touching anything

    call_command("restore", str(target), "--clean")
    assert list(User.objects.values_list("username", flat=True)) == [before.username]
    again = User.objects.create(username="恢复之后")  # sequences came back with the rows
    assert again.pk > before.pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL 的客户端工具 (PostgreSQL's tools)")
def test_it_takes_the_pg_dump_of_the_servers_version_and_says_which_to_install():
    major = backup._server_major()
    assert backup._tool_major(backup.pg_tool("pg_dump", major)) >= major
    with pytest.raises(backup.BackupError, match="postgresql-client-99"):
        backup.pg_tool("pg_dump", 99)

"""Backing up and restoring the whole database: `jiceng backup FILE`, `jiceng restore FILE`.

A backup is one consistent moment of the database, taken while it keeps serving:

1. **PostgreSQL:** `pg_dump -Fc` (the custom archive format), which reads every table in
   one repeatable-read snapshot; the pg_dump and pg_restore used are those of the server's
   major version (or the nearest newer one), found under the usual install folders.
2. **SQLite:** the online backup API (`sqlite3.Connection.backup`), copied in steps for a
   progress bar. The source connection holds one read transaction across all the steps,
   so the copy is that transaction's snapshot: in WAL mode writers go on committing, and
   the backup neither restarts (as it does when the source changes between steps) nor
   blocks them.

A restore goes into the configured database, which must be empty (a freshly created
PostgreSQL database, a missing or empty SQLite file) unless `clean` says to replace what is
there. A restore is all or nothing: pg_restore runs in a single transaction, and SQLite's
backup API commits the copy at its end. Every refusal says, in Chinese, what to do.
"""

import glob
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from django.db import connections
from django.utils.translation import gettext as _

Progress = Callable[[int, int], None]  # (done, total), in bytes or items

POSTGRESQL, SQLITE = "postgresql", "sqlite"
_MAGIC = {POSTGRESQL: b"PGDMP", SQLITE: b"SQLite format 3\x00"}
_NAMES = {POSTGRESQL: "PostgreSQL", SQLITE: "SQLite"}
SQLITE_STEP_PAGES = 1024  # pages copied per step of the SQLite backup API (4 MB at the default page size)
PG_FOLDERS = (
    "/usr/lib/postgresql/*/bin",
    "/usr/pgsql-*/bin",
    "/usr/local/pgsql/bin",
    "/opt/homebrew/opt/postgresql@*/bin",
)


class BackupError(Exception):
    """A refusal or failure, in words the operator can act on."""


def _vendor(alias: str = "default") -> str:
    vendor = connections[alias].vendor
    if vendor not in _MAGIC:
        raise BackupError(_("不支持备份 %(v)s 数据库：只支持 PostgreSQL 和 SQLite") % {"v": vendor})
    return vendor


def backup_format(path: Path) -> str | None:
    """`postgresql` (a pg_dump custom archive), `sqlite` (a database file), or None."""
    with open(path, "rb") as f:
        head = f.read(16)
    return next((kind for kind, magic in _MAGIC.items() if head.startswith(magic)), None)


def _backup_target(path: Path, *, force: bool) -> None:
    if path.is_dir():
        raise BackupError(_("%(p)s 是一个文件夹：请写出备份文件的名字，例如 %(p)s/jiceng.dump") % {"p": path})
    if not path.parent.is_dir():
        raise BackupError(_("文件夹 %(d)s 不存在：请先创建它，或换一个位置") % {"d": path.parent})
    if path.exists() and not force:
        raise BackupError(_("备份文件 %(p)s 已经存在：换一个文件名，或加 --force 覆盖它") % {"p": path})


def _restore_source(path: Path, vendor: str) -> None:
    if not path.is_file():
        raise BackupError(_("找不到备份文件 %(p)s：请检查路径") % {"p": path})
    kind = backup_format(path)
    if kind is None:
        raise BackupError(
            _(
                "%(p)s 不是基层的备份文件：它既不是 PostgreSQL 的 pg_dump 备份（-Fc 格式），也不是 SQLite 数据库"
            )
            % {"p": path}
        )
    if kind != vendor:
        raise BackupError(
            _(
                "%(p)s 是 %(kind)s 数据库的备份，而当前配置的数据库是 %(db)s：请用 %(db)s 的备份文件，"
                "或者在 %(kind)s 的配置下恢复（PostgreSQL 用 DATABASE_URL，SQLite 不设置 DATABASE_URL）"
            )
            % {"p": path, "kind": _NAMES[kind], "db": _NAMES[vendor]}
        )


def _refuse_not_empty(tables: int, where: str) -> None:
    raise BackupError(
        _(
            "目标数据库 %(w)s 不是空的（已有 %(n)d 张表）：请恢复到一个新建的空数据库，"
            "或者确认要用备份替换其中的数据后加 --clean"
        )
        % {"w": where, "n": tables}
    )


def database_backup(path: Path | str, *, force: bool = False, progress: Progress | None = None) -> dict:
    """Write a consistent backup of the configured database to `path`; figures about it.

    The file appears only when the backup is complete (it is written beside it and renamed).
    """
    path = Path(path).resolve()
    vendor = _vendor()
    _backup_target(path, force=force)
    fd, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
    os.close(fd)
    tmp = Path(tmp_name)
    start = time.monotonic()
    try:
        figures = (_pg_backup if vendor == POSTGRESQL else _sqlite_backup)(tmp, progress or _quiet)
        os.replace(tmp, path)
        _sync_folder(path.parent)  # the rename survives a crash too (pg_dump and SQLite sync the file)
    finally:
        tmp.unlink(missing_ok=True)
    figures.update(
        {"format": vendor, "bytes": path.stat().st_size, "seconds": round(time.monotonic() - start, 3)}
    )
    return figures


def _sync_folder(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def database_restore(path: Path | str, *, clean: bool = False, progress: Progress | None = None) -> dict:
    """Restore the backup at `path` into the configured database; figures about it.

    The database must be empty unless `clean` (then what the backup holds replaces it).
    """
    path = Path(path).resolve()
    vendor = _vendor()
    _restore_source(path, vendor)
    start = time.monotonic()
    figures = (_pg_restore if vendor == POSTGRESQL else _sqlite_restore)(path, clean, progress or _quiet)
    figures.update({"format": vendor, "seconds": round(time.monotonic() - start, 3)})
    return figures


def _quiet(_done: int, _total: int) -> None:
    pass


# ---------------------------------------------------------------- SQLite


def _sqlite_tables(conn: sqlite3.Connection) -> int:
    return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]


def _sqlite_copy(src: sqlite3.Connection, dst: sqlite3.Connection, progress: Progress) -> int:
    """Copy src into dst in steps, reporting bytes; the number of pages copied."""
    page = src.execute("PRAGMA page_size").fetchone()[0]
    pages = [0]

    def step(_status, remaining, total):
        pages[0] = total
        progress((total - remaining) * page, total * page)

    src.backup(dst, pages=SQLITE_STEP_PAGES, progress=step)
    return pages[0]


def _sqlite_backup(tmp: Path, progress: Progress) -> dict:
    source = connections["default"].settings_dict["NAME"]
    if not Path(source).is_file():
        raise BackupError(_("数据库文件 %(p)s 不存在：没有可以备份的数据") % {"p": source})
    src = sqlite3.connect(source, isolation_level=None)
    dst = sqlite3.connect(tmp, isolation_level=None)
    try:
        # One read transaction for the whole copy: every step reads the same snapshot, so a
        # writer committing meanwhile neither restarts the backup nor is blocked by it.
        src.execute("BEGIN")
        tables = _sqlite_tables(src)
        pages = _sqlite_copy(src, dst, progress)
        src.execute("COMMIT")
        # The copy says WAL in its header, like its source; a backup is one self-contained file.
        dst.execute("PRAGMA journal_mode=DELETE")
    finally:
        src.close()
        dst.close()
    return {"tables": tables, "pages": pages}


def _sqlite_restore(path: Path, clean: bool, progress: Progress) -> dict:
    target = connections["default"].settings_dict["NAME"]
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True, isolation_level=None)
    try:
        try:
            tables = _sqlite_tables(src)
            migrated = src.execute(
                "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'django_migrations'"
            ).fetchone()[0]
        except sqlite3.DatabaseError as exc:
            raise BackupError(_("备份文件 %(p)s 已损坏，无法读取：%(e)s") % {"p": path, "e": exc}) from None
        if not migrated:
            raise BackupError(_("%(p)s 是 SQLite 数据库，但不是基层的数据库备份") % {"p": path})
        Path(target).parent.mkdir(parents=True, exist_ok=True)
        dst = sqlite3.connect(target, isolation_level=None, timeout=30)
        try:
            existing = _sqlite_tables(dst)
            if existing and not clean:
                _refuse_not_empty(existing, target)
            connections["default"].close()  # nothing of this process holds the file while it is replaced
            pages = _sqlite_copy(src, dst, progress)
            dst.execute("PRAGMA journal_mode=WAL")
        finally:
            dst.close()
    finally:
        src.close()
    return {"tables": tables, "pages": pages, "replaced": bool(existing)}


# ---------------------------------------------------------------- PostgreSQL


def _pg_env() -> dict:
    """libpq's environment for the configured database, so no password is on a command line."""
    db = connections["default"].settings_dict
    env = dict(os.environ, LC_MESSAGES="C", LC_ALL="C")  # the verbose lines are parsed for progress
    for var, value in (
        ("PGHOST", db.get("HOST")),
        ("PGPORT", db.get("PORT")),
        ("PGUSER", db.get("USER")),
        ("PGPASSWORD", db.get("PASSWORD")),
        ("PGDATABASE", db.get("NAME")),
        ("PGSSLMODE", (db.get("OPTIONS") or {}).get("sslmode")),
    ):
        if value:
            env[var] = str(value)
    return env


def _server_major() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute("SHOW server_version_num")
        return int(cursor.fetchone()[0]) // 10_000


def _tool_major(binary: str) -> int | None:
    try:
        out = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=30).stdout
    except OSError:
        return None
    found = re.search(r"\) (\d+)", out)
    return int(found.group(1)) if found else None


def pg_tool(name: str, server_major: int) -> str:
    """The `pg_dump` or `pg_restore` of the server's major version, else the nearest newer one.

    pg_dump refuses a server newer than itself, and an older pg_restore cannot read a newer
    archive, so an older tool is never taken.
    """
    found: dict[int, str] = {}
    for folder in PG_FOLDERS:
        for binary in glob.glob(os.path.join(folder, name)):
            major = _tool_major(binary)
            if major is not None:
                found.setdefault(major, binary)
    on_path = shutil.which(name)
    if on_path and (major := _tool_major(on_path)) is not None:
        found.setdefault(major, on_path)
    usable = sorted(m for m in found if m >= server_major)
    if not usable:
        have = "、".join(f"{found[m]}（{m}）" for m in sorted(found)) or _("没有")
        raise BackupError(
            _(
                "找不到 %(major)d 或更新版本的 %(name)s（数据库服务器是 PostgreSQL %(major)d；本机找到：%(have)s）："
                "请安装 postgresql-client-%(major)d"
            )
            % {"major": server_major, "name": name, "have": have}
        )
    return found[usable[0]]


def _pg_tables() -> dict[str, int]:
    """Every user table, as pg_dump names it (schema.table), with its size in bytes."""
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT n.nspname || '.' || c.relname, pg_table_size(c.oid) FROM pg_class c "
            "JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema') "
            "AND n.nspname NOT LIKE 'pg_toast%%'"
        )
        return dict(cursor.fetchall())


def _run_verbose(argv: list[str], on_line: Callable[[str], None]) -> None:
    """Run a PostgreSQL tool with --verbose, handing each stderr line over; raise on failure."""
    tail: list[str] = []
    with subprocess.Popen(
        argv,
        env=_pg_env(),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        for line in proc.stderr:
            line = line.rstrip("\n")
            on_line(line)
            if ": error:" in line or ": warning:" in line or ": detail:" in line or ": hint:" in line:
                tail.append(line)
            tail = tail[-10:]
    if proc.returncode != 0:
        raise BackupError(
            _("%(tool)s 失败（退出码 %(rc)d）：%(err)s")
            % {
                "tool": os.path.basename(argv[0]),
                "rc": proc.returncode,
                "err": "\n".join(tail) or _("没有输出"),
            }
        )


def _pg_backup(tmp: Path, progress: Progress) -> dict:
    sizes = _pg_tables()
    total = sum(sizes.values()) or 1
    done, current = [0], [None]
    dumping = re.compile(r'dumping contents of table "(.+)"')

    def on_line(line: str) -> None:
        # pg_dump names a table as it starts copying it, so the one before it is done.
        found = dumping.search(line)
        if found:
            done[0] += sizes.get(current[0], 0)
            current[0] = found.group(1)
            progress(min(done[0], total), total)

    binary = pg_tool("pg_dump", _server_major())
    _run_verbose([binary, "--format=custom", "--verbose", "--no-password", f"--file={tmp}"], on_line)
    progress(total, total)
    return {"tables": len(sizes), "table_bytes": sum(sizes.values()), "pg_dump": binary}


def _pg_user_tables() -> int:
    with connections["default"].cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE c.relkind IN ('r', 'p', 'v', 'm', 'f') "
            "AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%%'"
        )
        return cursor.fetchone()[0]


def _pg_restore(path: Path, clean: bool, progress: Progress) -> dict:
    binary = pg_tool("pg_restore", _server_major())
    listing = subprocess.run([binary, "--list", str(path)], capture_output=True, text=True, env=_pg_env())
    if listing.returncode != 0:
        raise BackupError(
            _("备份文件 %(p)s 无法读取（已损坏或不完整）：%(e)s") % {"p": path, "e": listing.stderr.strip()}
        )
    entries = [line for line in listing.stdout.splitlines() if line and not line.startswith(";")]
    if not any(" TABLE " in e and e.split()[-2:-1] == ["django_migrations"] for e in entries):
        raise BackupError(_("%(p)s 是 PostgreSQL 备份，但不是基层的数据库备份") % {"p": path})
    existing = _pg_user_tables()
    db = connections["default"].settings_dict["NAME"]
    if existing and not clean:
        _refuse_not_empty(existing, db)
    connections["default"].close()
    # One line per entry (created, and dropped first with --clean), as pg_restore works through them.
    total, done = len(entries) * (2 if clean and existing else 1), [0]

    def on_line(line: str) -> None:
        if line.startswith("pg_restore: ") and "connecting to" not in line:
            done[0] += 1
            progress(min(done[0], total), total)

    argv = [binary, "--verbose", "--no-password", "--no-owner", "--no-privileges"]
    argv += ["--single-transaction", "--exit-on-error", f"--dbname={db}"]
    if clean:
        argv += ["--clean", "--if-exists"]
    _run_verbose([*argv, str(path)], on_line)
    progress(total, total)
    with connections["default"].cursor() as cursor:
        cursor.execute("ANALYZE")  # pg_restore leaves the planner without statistics
    return {"entries": len(entries), "replaced": bool(existing), "pg_restore": binary}

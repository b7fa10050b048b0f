"""Backup benchmark: `jiceng backup` and `jiceng restore` of a generated district, one JSON line each.

Builds the cockpit benchmark's district (20 subdistricts × 25 communities, `--residents` residents,
default 100,000, and `--awards` posted award transfers, default 200,000 so that `make bench` stays
short, with needs, activities and check-ins), then times the backup of the whole database (`core.backup.database_backup`, the
command's own function) and its restore into a fresh, empty database in another process (the
function alone, Django's start-up not counted), and reports the file's size.

Usage: python bench/bench_backup.py [sqlite|postgresql] [--residents N] [--awards N] [--all]
(BENCH_NAME names the scratch databases, default "backup": jc_backup_bench and
jc_backup_bench_restore on PostgreSQL, so two runs on one server do not drop each other's.)
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402

RESTORE = """
import json, os, sys
import django
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
django.setup()
from jiceng.core.backup import database_restore
print(json.dumps(database_restore(sys.argv[1])), flush=True)
"""


def _pg(sql: str) -> None:
    subprocess.run(
        ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c", sql], check=True
    )


def _databases(backend: str, name: str) -> tuple[dict, dict]:
    """Environments for the source database and an empty one to restore into."""
    base = dict(os.environ, DJANGO_SETTINGS_MODULE="jiceng.settings", JICENG_ALLOW_DEV_SECRET="1")
    base.setdefault("JICENG_VAR_DIR", tempfile.mkdtemp(prefix="jiceng-bench-"))
    if backend == "sqlite":
        folder = Path(tempfile.mkdtemp(prefix="jiceng-bench-"))
        base.pop("DATABASE_URL", None)
        return dict(base, SQLITE_PATH=str(folder / f"{name}.sqlite3")), dict(
            base, SQLITE_PATH=str(folder / f"{name}-restore.sqlite3")
        )
    envs = []
    for db in (f"jc_{name}_bench", f"jc_{name}_bench_restore"):
        _pg(f"DROP DATABASE IF EXISTS {db}")
        _pg(f"CREATE DATABASE {db} TEMPLATE template0")
        envs.append(dict(base, DATABASE_URL=f"postgresql://postgres@127.0.0.1:5432/{db}"))
    return envs[0], envs[1]


def run(backend: str, residents: int, awards: int) -> None:
    name = os.environ.get("BENCH_NAME", "backup")
    source, target = _databases(backend, name)
    os.environ.update(source)
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)

    import bench_cockpit
    from django.db import connection

    from jiceng.bank.models import Transfer
    from jiceng.core.backup import database_backup

    t = time.perf_counter()
    bench_cockpit.build(residents, awards)
    built = time.perf_counter() - t
    transfers = Transfer.objects.count()
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_database_size(current_database())")
            db_bytes = cur.fetchone()[0]
    else:
        db_bytes = Path(connection.settings_dict["NAME"]).stat().st_size
    connection.close()

    file = Path(tempfile.mkdtemp(prefix="jiceng-bench-")) / "district.backup"
    t = time.perf_counter()
    made = database_backup(file)
    backup_s = time.perf_counter() - t
    out = subprocess.run(
        [sys.executable, "-c", RESTORE, str(file)], env=target, capture_output=True, text=True, check=False
    )
    if out.returncode != 0:
        raise SystemExit(out.stderr)
    restored = json.loads(out.stdout.strip().splitlines()[-1])
    _django.emit(
        bench="backup",
        what=f"jiceng backup of the whole database, then jiceng restore into an empty one ({backend})",
        backend=backend,
        residents=residents,
        transfers=transfers,
        build_s=round(built, 1),
        database_mb=round(db_bytes / 1e6, 1),
        backup_file_mb=round(made["bytes"] / 1e6, 1),
        backup_s=round(backup_s, 2),
        restore_s=restored["seconds"],
        load=_django.load(),
    )
    file.unlink()
    if backend == "postgresql":
        for db in (f"jc_{name}_bench", f"jc_{name}_bench_restore"):
            _pg(f"DROP DATABASE IF EXISTS {db} WITH (FORCE)")
    else:
        for env in (source, target):
            for suffix in ("", "-wal", "-shm"):
                Path(env["SQLITE_PATH"] + suffix).unlink(missing_ok=True)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("backend", nargs="?", choices=["sqlite", "postgresql"])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--awards", type=int, default=200_000)
    parser.add_argument("--all", action="store_true", help="SQLite, then PostgreSQL when it is there")
    args = parser.parse_args()
    if args.backend:
        run(args.backend, args.residents, args.awards)
        return
    # Each database in a process of its own: Django is set up once per process.
    for backend in ["sqlite"] + (["postgresql"] if args.all and _django.postgres_available() else []):
        subprocess.run([sys.executable, __file__, backend, *sys.argv[1:]], check=True)


if __name__ == "__main__":
    main()

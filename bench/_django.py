"""Set up Django against a fresh benchmark database: SQLite in a temp file, or PostgreSQL."""

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def postgres_available() -> bool:
    if os.environ.get("BENCH_SKIP_POSTGRES"):
        return False
    if shutil.which("pg_isready"):
        return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode == 0
    return False


def setup(backend: str, name: str) -> None:
    """Point Django at a new, empty, migrated database for this benchmark run."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "jiceng.settings"
    os.environ["JICENG_ALLOW_DEV_SECRET"] = "1"
    os.environ.setdefault("JICENG_VAR_DIR", tempfile.mkdtemp(prefix="jiceng-bench-"))
    if backend == "sqlite":
        path = Path(tempfile.mkdtemp(prefix="jiceng-bench-")) / f"{name}.sqlite3"
        os.environ["SQLITE_PATH"] = str(path)
        os.environ.pop("DATABASE_URL", None)
    else:
        db = os.environ.get("BENCH_PG_DATABASE") or f"jiceng_bench_{name}"
        for sql in (f"DROP DATABASE IF EXISTS {db}", f"CREATE DATABASE {db}"):
            subprocess.run(
                ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c", sql], check=True
            )
        os.environ["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{db}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def load() -> str:
    """The machine's load, to go with every figure: the machine is shared."""
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()


def emit(**figures) -> None:
    import json

    print(json.dumps(figures, ensure_ascii=False), flush=True)

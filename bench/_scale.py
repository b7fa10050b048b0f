"""`make bench-scale`: generate a district at scale into databases of its own, then run bench/scale_*.py.

PostgreSQL gets `jiceng_scale` (SCALE_RESIDENTS / SCALE_TRANSFERS, default 1M / 20M) when a server
is on 127.0.0.1:5432; SQLite gets var/scale.sqlite3 (SCALE_SQLITE_RESIDENTS / SCALE_SQLITE_TRANSFERS,
default 100k / 2M). Each benchmark attaches to the generated database (`attach`) and prints JSON
lines labelled with what it measured, the database, the district's size and the machine's load.
SCALE_REUSE=1 keeps a database generated before at the same size instead of generating it again
(the settle benchmark posts 10,000 notices, so a reused database has fewer open ones each time).
SCALE_ONLY=sqlite or postgresql runs one database.

Usage: python bench/_scale.py
"""

import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402

ROOT = _django.ROOT
JICENG = [sys.executable, "-m", "django"]


def attach() -> dict:
    """Set Django up on the database the environment names (as `run` hands it over) and return what
    every figure is labelled with: the database, the district's size and the machine's load."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
    import django

    django.setup()
    from django.db import connection

    from jiceng.bank.models import Transfer
    from jiceng.people.models import Person

    return {
        "database": connection.vendor,
        "residents": Person.objects.count(),
        "transfers": Transfer.objects.count(),
        "load": _django.load(),
    }


def _env(backend: str) -> dict[str, str]:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="jiceng.settings")
    if backend == "sqlite":
        env.pop("DATABASE_URL", None)
        env["SQLITE_PATH"] = str(ROOT / "var" / "scale.sqlite3")
    else:
        env["DATABASE_URL"] = "postgresql://postgres@127.0.0.1:5432/jiceng_scale"
    return env


def _size(backend: str) -> tuple[int, int]:
    if backend == "sqlite":
        return int(os.environ.get("SCALE_SQLITE_RESIDENTS", 100_000)), int(
            os.environ.get("SCALE_SQLITE_TRANSFERS", 2_000_000)
        )
    return int(os.environ.get("SCALE_RESIDENTS", 1_000_000)), int(
        os.environ.get("SCALE_TRANSFERS", 20_000_000)
    )


def _fresh(backend: str, env: dict) -> None:
    if backend == "sqlite":
        for suffix in ("", "-wal", "-shm"):
            Path(env["SQLITE_PATH"] + suffix).unlink(missing_ok=True)
        Path(env["SQLITE_PATH"]).parent.mkdir(exist_ok=True)
    else:
        for sql in ("DROP DATABASE IF EXISTS jiceng_scale", "CREATE DATABASE jiceng_scale"):
            subprocess.run(
                ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c", sql], check=True
            )
    subprocess.run([*JICENG, "migrate", "-v0"], env=env, check=True, cwd=ROOT)


def _generated(env: dict, residents: int, transfers: int) -> bool:
    probe = (
        "from jiceng.people.models import Person; from jiceng.bank.models import Transfer;"
        "print(Person.objects.count(), Transfer.objects.count())"
    )
    out = subprocess.run([*JICENG, "shell", "-c", probe], env=env, capture_output=True, text=True, cwd=ROOT)
    return out.returncode == 0 and out.stdout.split() == [str(residents), str(transfers)]


def run(backend: str) -> None:
    env = _env(backend)
    residents, transfers = _size(backend)
    common = {"database": backend, "residents": residents, "transfers": transfers}
    if not (os.environ.get("SCALE_REUSE") and _generated(env, residents, transfers)):
        _fresh(backend, env)
        t = time.perf_counter()
        out = subprocess.run(
            [*JICENG, "generate", "--residents", str(residents), "--transfers", str(transfers), "--json"],
            env=env,
            check=True,
            cwd=ROOT,
            stdout=subprocess.PIPE,
            text=True,
        )
        wall = time.perf_counter() - t
        figures = json.loads(out.stdout.strip().splitlines()[-1])
        counts = figures["counts"]
        _django.emit(
            label="jiceng generate: the whole command, log included (wall clock)",
            seconds=round(wall, 1),
            stages=figures["seconds"],
            **common,
            load=_django.load(),
        )
        _django.emit(
            label="jiceng generate: the Moral Bank's year split into simulating, writing rows, and the ledger's own checkpoints",
            simulate_seconds=counts["simulate_seconds"],
            write_seconds=counts["write_seconds"],
            log_seconds=counts["log_seconds"],
            **common,
            load=_django.load(),
        )
        t = time.perf_counter()
        verify = subprocess.run(
            [*JICENG, "ledger", "verify"], env=env, cwd=ROOT, capture_output=True, text=True
        )
        _django.emit(
            label="jiceng ledger verify on the generated district",
            seconds=round(time.perf_counter() - t, 1),
            passed=verify.returncode == 0,
            **common,
            load=_django.load(),
        )
    for bench in sorted((ROOT / "bench").glob("scale_*.py")):
        subprocess.run([sys.executable, str(bench)], env=env, check=True, cwd=ROOT)


def main() -> None:
    only = os.environ.get("SCALE_ONLY")
    backends = ["sqlite"] + (["postgresql"] if _django.postgres_available() else [])
    for backend in backends:
        if only in (None, "", backend):
            run(backend)


if __name__ == "__main__":
    main()

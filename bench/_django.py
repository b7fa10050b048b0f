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


def setup(backend: str, name: str, *, reuse: bool = False) -> None:
    """Point Django at a new, empty, migrated database for this benchmark run.

    `reuse` keeps the database an earlier run of the same `name` built (PostgreSQL's
    `jiceng_bench_<name>`, or SQLite's `<BENCH_SQLITE_DIR>/<name>.sqlite3`), so a district built once
    at scale serves several benchmarks; without it the database is made anew."""
    os.environ["DJANGO_SETTINGS_MODULE"] = "jiceng.settings"
    os.environ["JICENG_ALLOW_DEV_SECRET"] = "1"
    os.environ.setdefault("JICENG_VAR_DIR", tempfile.mkdtemp(prefix="jiceng-bench-"))
    if backend == "sqlite":
        folder = os.environ.get("BENCH_SQLITE_DIR") or tempfile.mkdtemp(prefix="jiceng-bench-")
        path = Path(folder) / f"{name}.sqlite3"
        if reuse and not path.exists():
            raise SystemExit(f"没有可复用的基准数据库 {path}：先不加 --reuse 运行一次")
        if not reuse:
            path.unlink(missing_ok=True)
        os.environ["SQLITE_PATH"] = str(path)
        os.environ.pop("DATABASE_URL", None)
    else:
        db = os.environ.get("BENCH_PG_DATABASE") or f"jiceng_bench_{name}"
        for sql in () if reuse else (f"DROP DATABASE IF EXISTS {db}", f"CREATE DATABASE {db}"):
            subprocess.run(
                ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c", sql], check=True
            )
        os.environ["DATABASE_URL"] = f"postgresql://postgres@127.0.0.1:5432/{db}"
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def load() -> str:
    """The machine's load, to go with every figure: the machine is shared. `uptime` in UTC, since
    Django sets the process's zone to the district's and the lines of one run should read alike."""
    env = dict(os.environ, TZ="UTC")
    return subprocess.run(["uptime"], capture_output=True, text=True, env=env).stdout.strip()


def emit(**figures) -> None:
    import json

    print(json.dumps(figures, ensure_ascii=False), flush=True)


def district_admin_get(district, url: str):
    """A function that GETs `url` (view, queries and template) as a district administrator of `district`
    sees it, through Django's test client; the static files are served unhashed (no collectstatic)."""
    from django.test import Client, override_settings

    from jiceng.core.models import Role, RoleGrant, User

    user, _new = User.objects.get_or_create(username="bench-district", defaults={"display_name": "基准"})
    RoleGrant.objects.get_or_create(user=user, role=Role.DISTRICT_ADMIN, region=district)
    client = Client()
    client.force_login(user)
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }

    def get() -> None:
        with override_settings(ALLOWED_HOSTS=["testserver"], STORAGES=storages):
            assert client.get(url).status_code == 200

    get()  # the session and the templates are loaded once
    return get

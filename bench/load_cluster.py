"""A PostgreSQL cluster of the load run's own: initdb in a temp dir, a free port on 127.0.0.1.

The fault run restarts PostgreSQL under load, so it must never be the machine's own
server on 5432: this cluster is made for the run and removed after it. The binaries come
from /usr/lib/postgresql/<version>/bin (or PATH); as root they run as the `postgres` user
through runuser, since PostgreSQL refuses to run as root.
"""

import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def pg_bindir() -> Path | None:
    """The directory of initdb and pg_ctl: the newest installed version, else PATH; None when missing."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"),
        key=lambda p: int(p.parent.parent.name),
        reverse=True,
    )
    if found:
        return found[0].parent
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path else None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """`start()`, `restart()`, `stop()`; `url(db)` names a database on it (trust auth, user postgres)."""

    def __init__(self, *, port: int | None = None, settings: dict | None = None):
        bindir = pg_bindir()
        if bindir is None:
            raise RuntimeError("找不到 PostgreSQL 程序（initdb、pg_ctl），请安装 postgresql")
        self.bindir = bindir
        self.port = port or free_port()
        self.root = Path(tempfile.mkdtemp(prefix="jiceng-load-pg-"))
        self.data = self.root / "data"
        self.log = self.root / "postgres.log"
        self.settings = {
            "listen_addresses": "'127.0.0.1'",
            "port": str(self.port),
            "unix_socket_directories": f"'{self.root}'",
            "max_connections": "200",
            "shared_buffers": "256MB",
        } | (settings or {})
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")

    def _run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=check, capture_output=True, text=True)

    def start(self) -> "Cluster":
        self._run(
            "initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-locale"
        )
        with open(self.data / "postgresql.conf", "a") as conf:
            for name, value in self.settings.items():
                conf.write(f"{name} = {value}\n")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "start")
        return self

    def restart(self, mode: str = "immediate") -> float:
        """Restart the server (`immediate`: no shutdown checkpoint, recovery from WAL); the seconds it took."""
        began = time.monotonic()
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-m", mode, "-w", "restart")
        return time.monotonic() - began

    def stop(self) -> None:
        if self.data.exists():
            self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", check=False)
        shutil.rmtree(self.root, ignore_errors=True)

    def url(self, db: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{db}"

    def createdb(self, db: str) -> str:
        self._run("createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", db)
        return self.url(db)

    def __enter__(self) -> "Cluster":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

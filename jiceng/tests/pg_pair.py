"""A PostgreSQL primary and its streaming standby, started in a temporary directory for a test.

The pair is the test's own: `initdb` makes a primary on a free port (``wal_level=replica``,
a replication line in pg_hba), `pg_basebackup -R` copies it into a standby that streams
from it on another port, and `pg_ctl` starts and stops both. Neither touches the machine's
own server. Run as root, every PostgreSQL program runs as the ``postgres`` user, which owns
the directory. Durability is switched off (a test's clusters are thrown away), which makes
the schema's hundreds of DDL transactions cheap.
"""

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg


def pg_bin() -> Path | None:
    """The newest installed PostgreSQL server programs (Debian: /usr/lib/postgresql/N/bin)."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_basebackup"), key=lambda p: int(Path(p).parts[-3]))
    for candidate in reversed(found):
        folder = Path(candidate).parent
        if all((folder / name).exists() for name in ("initdb", "pg_ctl", "postgres")):
            return folder
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgPair:
    """`start()` a primary and a standby; `url(which)`, `sql(which, ...)`, `stop()`."""

    def __init__(self, bin_dir: Path):
        self.bin = bin_dir
        self.as_postgres = os.geteuid() == 0
        self.root = Path(tempfile.mkdtemp(prefix="jiceng-replica-"))
        if self.as_postgres:
            pw = pwd.getpwnam("postgres")
            os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self.ports = {"primary": free_port(), "standby": free_port()}
        self.started: list[str] = []

    def _run(self, program: str, *args: str, timeout: float = 120) -> str:
        command = [str(self.bin / program), *args]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, cwd=self.root)
        if done.returncode != 0:
            raise RuntimeError(f"{program} 失败 ({done.returncode}):\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def data(self, which: str) -> Path:
        return self.root / which

    def start(self) -> "PgPair":
        primary, standby = self.data("primary"), self.data("standby")
        self._run(
            "initdb", "-D", str(primary), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "-N"
        )
        conf = {
            "listen_addresses": "'127.0.0.1'",
            "port": self.ports["primary"],
            "unix_socket_directories": f"'{self.root}'",
            "wal_level": "replica",
            "max_wal_senders": 4,
            "max_connections": 40,
            "shared_buffers": "'32MB'",
            "fsync": "off",
            "full_page_writes": "off",
            "synchronous_commit": "on",
            "hot_standby": "on",
        }
        self._append(primary / "postgresql.conf", "".join(f"{k} = {v}\n" for k, v in conf.items()))
        self._append(primary / "pg_hba.conf", "host replication postgres 127.0.0.1/32 trust\n")
        self._pg_ctl("primary", "start")
        self._run(
            "pg_basebackup",
            "-h", "127.0.0.1", "-p", str(self.ports["primary"]), "-U", "postgres",
            "-D", str(standby), "-R", "-X", "stream", "-c", "fast", "-N",
        )  # fmt: skip
        self._append(standby / "postgresql.conf", f"port = {self.ports['standby']}\n")
        self._pg_ctl("standby", "start")
        self.wait_caught_up()
        return self

    def _append(self, path: Path, text: str) -> None:
        # The file belongs to postgres; root may append to it all the same.
        with open(path, "a") as f:
            f.write(text)

    def _pg_ctl(self, which: str, action: str, *extra: str) -> None:
        log = self.root / f"{which}.log"
        self._run("pg_ctl", "-D", str(self.data(which)), "-l", str(log), "-w", "-t", "60", action, *extra)
        if action == "start" and which not in self.started:
            self.started.append(which)
        if action == "stop" and which in self.started:
            self.started.remove(which)

    def stop_command(self, which: str) -> list[str]:
        """The command line that stops one server (for a child process that must stop it)."""
        command = [str(self.bin / "pg_ctl"), "-D", str(self.data(which)), "-w", "-m", "fast", "stop"]
        return ["runuser", "-u", "postgres", "--", *command] if self.as_postgres else command

    def url(self, which: str, db: str = "jiceng") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.ports[which]}/{db}"

    def sql(self, which: str, statement: str, db: str = "postgres"):
        with psycopg.connect(self.url(which, db), autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(statement)
            return cursor.fetchall() if cursor.description else []

    def wait_caught_up(self, timeout: float = 60) -> None:
        """Until the standby has replayed everything the primary has written."""
        target = self.sql("primary", "SELECT pg_current_wal_lsn()")[0][0]
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                if self.sql("standby", f"SELECT pg_last_wal_replay_lsn() >= '{target}'::pg_lsn")[0][0]:
                    return
            except psycopg.OperationalError:
                pass  # still starting
            time.sleep(0.05)
        raise TimeoutError("备库没有追上主库")

    def stop(self) -> None:
        for which in reversed(list(self.started)):
            try:
                self._pg_ctl(which, "stop", "-m", "immediate")
            except (RuntimeError, subprocess.TimeoutExpired):
                pass
        shutil.rmtree(self.root, ignore_errors=True)

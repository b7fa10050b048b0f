"""The load and fault run: Locust against gunicorn on a PostgreSQL cluster of its own, JSON lines out.

`make load` runs this. What it does, in order:
1. starts a PostgreSQL cluster in a temp dir on a free port of 127.0.0.1 (`load_cluster`;
   never the machine's own server, since the fault run restarts it), and prepares the
   database through the product's services (`load_prepare.prepare`);
2. serves it with gunicorn the way production does (DEBUG off, secrets in a temp var dir,
   collected static files), `--workers` sync workers;
3. runs Locust headless (`load_locustfile.py`: residents browsing home, wallet, notices and
   rewards and redeeming; community workers reviewing claims) at each `--users` level for
   `--seconds`, and prints one JSON line per level: requests per second, p50/p95/p99 in ms
   and the errors, counted over the time after every user has logged in (the logins
   themselves, argon2 on purpose, are left out of the figures);
4. the fault run: Locust at `--fault-users`; once every user is in, `kill -9` of one
   gunicorn worker, then an immediate restart of PostgreSQL (no shutdown checkpoint, so the
   server recovers from its WAL); one JSON line with the errors in each fault's window and
   how long after the fault the last one came;
5. the checks: a ledger checkpoint, then `jiceng ledger verify` must pass, and
   `load_check.problems` must find every success the clients recorded (each redemption's
   form id as a ledger key and its voucher, each approved claim's review, award and
   notice) and nothing half-written; one JSON line, and a non-zero exit when anything fails.

Usage: python bench/load_run.py [--users 10,50,100] [--seconds 60] [--fault-users 50]
       [--fault-seconds 90] [--workers 4] [--residents 100000] [--transfers 2000000] [--logins 200]
       [--claims 1500]
       [--no-fault] [--keep DIR]
"""

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))
sys.path.insert(0, str(ROOT))

import _django  # noqa: E402
import load_check  # noqa: E402
import load_cluster  # noqa: E402
import load_prepare  # noqa: E402

LOCUST = Path(sys.executable).parent / "locust"
NOT_COUNTED = {"login", "login page"}  # once per simulated user, and slow by design (argon2)
LOGIN_TIMEOUT = 600  # seconds for every simulated user to log in


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"应为正整数：{text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"应为正整数：{text!r}")
    return value


def levels(text: str) -> list[int]:
    return [positive_int(part) for part in text.split(",") if part.strip()] or [positive_int(text)]


def arguments(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description="压力与故障测试：Locust 对 gunicorn + 独立 PostgreSQL 集群")
    p.add_argument(
        "--users", type=levels, default=[10, 50, 100], help="并发用户数，逗号分隔（默认 10,50,100）"
    )
    p.add_argument("--seconds", type=positive_int, default=60, help="每一档持续秒数（默认 60）")
    p.add_argument("--fault-users", type=positive_int, default=50, help="故障测试的并发用户数（默认 50）")
    p.add_argument("--fault-seconds", type=positive_int, default=90, help="故障测试持续秒数（默认 90）")
    p.add_argument("--workers", type=positive_int, default=4, help="gunicorn 网页进程数（默认 4）")
    p.add_argument("--residents", type=positive_int, default=100_000, help="生成的区的居民数（默认 10 万）")
    p.add_argument(
        "--transfers", type=positive_int, default=2_000_000, help="生成的一年积分流水笔数（默认 200 万）"
    )
    p.add_argument("--logins", type=positive_int, default=200, help="有登录名的居民数")
    p.add_argument("--claims", type=positive_int, default=1500, help="待审核的申报数")
    p.add_argument("--no-fault", action="store_true", help="不做故障测试")
    p.add_argument("--keep", type=Path, help="把请求记录留在这个目录（默认用完即删）")
    args = p.parse_args(argv)
    if args.fault_seconds < 45:
        p.error("故障测试至少 45 秒：两次故障之间要有时间恢复")
    return args


# ---------------------------------------------------------------- serving


class Server:
    """gunicorn serving the prepared database; `kill_one_worker()` is the first fault."""

    def __init__(self, env: dict, workers: int, log: Path):
        self.port = load_cluster.free_port()
        self.log = log
        cmd = [sys.executable, "-m", "gunicorn", "jiceng.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        cmd += [
            "--workers",
            str(workers),
            "--error-logfile",
            str(log),
            "--graceful-timeout",
            "5",
            "--no-control-socket",
        ]
        # Its own log and the application's (Django logs errors to stderr) go to one file, not the JSON lines.
        self._log = open(log, "a")  # noqa: SIM115 (written by gunicorn until it stops)
        self.proc = subprocess.Popen(cmd, env=env, cwd=ROOT, stdout=self._log, stderr=subprocess.STDOUT)
        self.workers = workers
        self._wait_ready()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn 没能启动，见 {self.log}")
            try:
                with urllib.request.urlopen(self.url + "/login/", timeout=5) as r:
                    if r.status == 200 and len(self.worker_pids()) == self.workers:
                        return
            except OSError:
                pass
            time.sleep(0.5)
        raise RuntimeError(f"gunicorn {timeout:.0f} 秒内没有应答，见 {self.log}")

    def worker_pids(self) -> list[int]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(pid) for pid in children.read_text().split()] if children.exists() else []

    def serving(self, pid: int) -> int:
        """How many client connections worker `pid` holds open now: 1 while a sync worker is mid-request."""
        inodes = set()
        for fd in Path(f"/proc/{pid}/fd").glob("*"):
            try:
                target = os.readlink(fd)
            except OSError:
                continue
            if target.startswith("socket:["):
                inodes.add(target[8:-1])
        port = f"{self.port:04X}"
        held = 0
        for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
            fields = line.split()
            # local address, state 01 (established), inode
            if fields[1].endswith(":" + port) and fields[3] == "01" and fields[9] in inodes:
                held += 1
        return held

    def kill_one_worker(self, wait: float = 10) -> tuple[int, int]:
        """SIGKILL a worker caught in the middle of a request (waiting up to `wait` s for one);
        returns its pid and the client connections it held."""
        deadline = time.monotonic() + wait
        while True:
            busy = [(self.serving(pid), pid) for pid in self.worker_pids()]
            held, pid = max(busy)
            if held or time.monotonic() > deadline:
                os.kill(pid, signal.SIGKILL)
                return pid, held
            time.sleep(0.01)

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self._log.close()


# ---------------------------------------------------------------- one Locust run


def locust_start(url: str, users: int, out: Path, plan: Path, env: dict) -> subprocess.Popen:
    """Locust headless at `users`, spawning a tenth of them a second; the driver stops it (SIGTERM),
    and `-t` bounds it should the driver not."""
    out.mkdir(parents=True, exist_ok=True)
    cmd = [str(LOCUST), "-f", str(BENCH / "load_locustfile.py"), "--headless", "--host", url]
    cmd += ["-u", str(users), "-r", str(max(1, users // 10)), "-t", f"{LOGIN_TIMEOUT + 900}s"]
    cmd += ["--only-summary", "--stop-timeout", "10", "--exit-code-on-error", "0", "--loglevel", "WARNING"]
    log = open(out / "locust.log", "w")  # noqa: SIM115 (the child writes to it until it ends)
    return subprocess.Popen(
        cmd, env=env | {"LOAD_PLAN": str(plan), "LOAD_OUT": str(out)}, stdout=log, stderr=log, cwd=ROOT
    )


def all_logged_in(out: Path, proc: subprocess.Popen, users: int) -> float:
    """When the last of `users` had logged in: the figures count from then, without the logins' argon2."""
    deadline = time.monotonic() + LOGIN_TIMEOUT
    while time.monotonic() < deadline and proc.poll() is None:
        logins, _rows = requests_read(out)
        if len(logins) >= users:
            return sorted(logins)[users - 1]
        time.sleep(0.5)
    raise RuntimeError(f"{LOGIN_TIMEOUT} 秒内没有全部 {users} 个用户登录成功，见 {out / 'locust.log'}")


def locust_stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=60)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def requests_read(out: Path) -> tuple[list[float], list[list]]:
    """The login times and the requests ([end time, name, ms, ok]) of one run's log."""
    logins, rows = [], []
    path = out / "requests.jsonl"
    for line in path.read_text().splitlines() if path.exists() else ():
        try:
            row = json.loads(line)
        except ValueError:
            continue
        if isinstance(row, dict):
            logins.append(row["logged_in"])
        else:
            rows.append(row)
    return logins, rows


def percentile(values: list[float], q: int) -> float | None:
    if not values:
        return None
    if len(values) == 1:
        return values[0]
    return round(statistics.quantiles(values, n=100, method="inclusive")[q - 1], 1)


def figures(rows: list[list], start: float, end: float) -> dict:
    """Throughput, percentiles and errors of the requests that ended in [start, end), logins left out."""
    window = [r for r in rows if start <= r[0] < end and r[1] not in NOT_COUNTED]
    times = [r[2] for r in window]
    by_page: dict[str, list[float]] = {}
    for r in window:
        by_page.setdefault(r[1], []).append(r[2])
    return {
        "requests": len(window),
        "rps": round(len(window) / max(end - start, 1e-9), 1),
        "p50_ms": percentile(times, 50),
        "p95_ms": percentile(times, 95),
        "p99_ms": percentile(times, 99),
        "errors": sum(1 for r in window if not r[3]),
        "p95_ms_by_page": {name: percentile(v, 95) for name, v in sorted(by_page.items())},
    }


def successes(out: Path) -> dict:
    kinds: dict[str, int] = {}
    for r in load_check.records_read(out / "successes.jsonl"):
        kinds[r["kind"]] = kinds.get(r["kind"], 0) + 1
        if r.get("attempt", 1) > 1:
            kinds["retried"] = kinds.get("retried", 0) + 1
    return kinds


def level_run(
    server: Server, users: int, seconds: int, out: Path, plan: Path, env: dict, workers: int
) -> None:
    proc = locust_start(server.url, users, out, plan, env)
    began = all_logged_in(out, proc, users)
    time.sleep(max(0.0, began + seconds - time.time()))
    end = time.time()
    locust_stop(proc)
    _logins, rows = requests_read(out)
    done = successes(out)
    _django.emit(
        bench="load",
        what=f"Locust against gunicorn ({workers} sync workers) on PostgreSQL: residents browse and redeem,"
        " workers review; requests after every user logged in",
        users=users,
        seconds=round(end - began, 1),
        **figures(rows, began, end),
        redemptions=done.get("redeem", 0),
        reviews=done.get("review", 0),
        load=_django.load(),
    )


def fault_run(
    server: Server, cluster: load_cluster.Cluster, args: argparse.Namespace, out: Path, plan: Path, env: dict
) -> None:
    proc = locust_start(server.url, args.fault_users, out, plan, env)
    began = all_logged_in(out, proc, args.fault_users)
    gap = max(10.0, (args.fault_seconds - 15) / 3)  # before the kill, between the faults, after the restart
    time.sleep(gap)
    killed_at = time.time()
    killed, in_flight = server.kill_one_worker()
    time.sleep(gap)
    restarted_at = time.time()
    restart_seconds = cluster.restart("immediate")
    time.sleep(max(0.0, began + args.fault_seconds - time.time()))
    end = time.time()
    locust_stop(proc)
    _logins, rows = requests_read(out)

    def fault(at: float, until: float) -> dict:
        failed = [r for r in rows if at <= r[0] < until and not r[3] and r[1] not in NOT_COUNTED]
        return {
            "errors": len(failed),
            "last_error_after_s": round(max(r[0] for r in failed) - at, 2) if failed else None,
            "pages": sorted({r[1] for r in failed}),
        }

    done = successes(out)
    _django.emit(
        bench="load-fault",
        what="Locust load with kill -9 of one gunicorn worker caught mid-request, then PostgreSQL restarted"
        " -m immediate; errors the users saw, from each fault to the next (and to the end); the HTTP client,"
        " like a browser, sends a GET again once when its connection is cut, never a POST",
        users=args.fault_users,
        seconds=round(end - began, 1),
        errors_before_faults=fault(began, killed_at)["errors"],
        worker_killed=fault(killed_at, restarted_at) | {"pid": killed, "requests_it_was_serving": in_flight},
        postgres_restarted=fault(restarted_at, end) | {"restart_s": round(restart_seconds, 2)},
        **{k: v for k, v in figures(rows, began, end).items() if k != "p95_ms_by_page"},
        redemptions=done.get("redeem", 0),
        redemptions_done_on_a_later_post=done.get("retried", 0),
        reviews=done.get("review", 0),
        load=_django.load(),
    )


# ---------------------------------------------------------------- checks


def checks(runs: list[Path], stock_before: dict[str, int], env: dict) -> bool:
    from django.db import connections

    connections.close_all()  # the cluster may have restarted under this process's connection
    jiceng = [sys.executable, "-m", "jiceng.cli"]
    subprocess.run([*jiceng, "ledger", "checkpoint"], env=env, cwd=ROOT, check=True, capture_output=True)
    verify = subprocess.run([*jiceng, "ledger", "verify"], env=env, cwd=ROOT, capture_output=True, text=True)
    records = [r for out in runs for r in load_check.records_read(out / "successes.jsonl")]
    found = load_check.problems(records, stock_before=stock_before, rule_code=load_prepare.RULE_CODE)
    _django.emit(
        bench="load-check",
        what="after every run: jiceng ledger verify, and each success the clients recorded found in the"
        " database (redemption key and voucher, approved claim's review, award and notice), nothing half-written",
        successes_checked=len(records),
        ledger_verify_ok=verify.returncode == 0,
        ledger_verify_tail=(verify.stdout + verify.stderr).strip().splitlines()[-3:],
        problems=len(found),
        first_problems=found[:10],
        load=_django.load(),
    )
    return verify.returncode == 0 and not found


# ---------------------------------------------------------------- the whole run


def main(argv: list[str] | None = None) -> int:
    args = arguments(argv)
    work = args.keep or Path(tempfile.mkdtemp(prefix="jiceng-load-"))
    work.mkdir(parents=True, exist_ok=True)
    var = work / "var"
    from jiceng import keys

    keys.generate(var)
    with load_cluster.Cluster() as cluster:
        url = cluster.createdb("jc_load")
        env = os.environ | {
            "DATABASE_URL": url,
            "JICENG_VAR_DIR": str(var),
            "SECURE_COOKIES": "False",
            "DJANGO_SETTINGS_MODULE": "jiceng.settings",
        }
        env.pop("DEBUG", None)
        os.environ.update(env)
        import django
        from django.core.management import call_command

        django.setup()
        call_command("migrate", verbosity=0)
        began = time.monotonic()
        plan = load_prepare.prepare(
            residents=args.residents, transfers=args.transfers, logins=args.logins, workers=max(args.users + [args.fault_users]) // 10 or 1,
            claims=args.claims,
        )  # fmt: skip
        _django.emit(
            bench="load-prepare",
            what="a district made by jiceng generate, then logins, points, rewards, claims",
            residents=args.residents,
            transfers=args.transfers,
            logins=len(plan["residents"]),
            workers=len(plan["workers"]),
            claims=args.claims,
            seconds=round(time.monotonic() - began, 1),
            load=_django.load(),
        )
        _django.emit(
            bench="load-prepare-generate",
            what="jiceng generate of the load run's district, seconds in all and by stage",
            residents=args.residents,
            transfers=args.transfers,
            seconds=round(sum(plan["generate_seconds"].values()), 1),
            stages=plan.pop("generate_seconds"),
        )
        plan_path = work / "plan.json"
        plan_path.write_text(json.dumps(plan, ensure_ascii=False), encoding="utf-8")
        call_command("collectstatic", interactive=False, verbosity=0)
        from django.db import connections

        connections.close_all()
        server = Server(env, args.workers, work / "gunicorn.log")
        runs = []
        try:
            for users in args.users:
                runs.append(work / f"level-{users}")
                level_run(server, users, args.seconds, runs[-1], plan_path, env, args.workers)
            if not args.no_fault:
                runs.append(work / "fault")
                fault_run(server, cluster, args, runs[-1], plan_path, env)
        finally:
            server.stop()
        ok = checks(runs, plan["rewards"], env)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

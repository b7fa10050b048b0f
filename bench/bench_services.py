"""The Moral Bank's single-transfer service paths side by side with pgbench TPC-B, one JSON line per figure.

Budget (ARCHITECTURE.md): each single-transfer service path (donate, redeem, collect,
award) ≥ 0.75× pgbench TPC-B on the same server, at 1 and at 4 clients; ≥ 2,000/s on
SQLite with one client.

What is measured: the real service functions, as a view calls them once it has parsed
the request (the person and the user come loaded, as the auth middleware hands them over):
- donate: `giving.donation_create`, a posted transfer wallet → love pool, plus its Donation;
- redeem: `rewards.redemption_create`, the reward row locked, a pending hold, a voucher;
- collect: `rewards.redemption_collect`, the voucher found by its code and posted;
- award: `claims.claim_review`, the approving review that puts a pending award on notice.
On SQLite the worker's WAL checkpoint runs beside the clients, as in production (`core.wal`).
Each client is its own process, with its own community (wallets, love pool, claims) and its own
partner and reward, as pgbench's scale gives each client its own branch. pgbench runs its
built-in TPC-B script (`pgbench -i -s 4` in a scratch database, so 4 clients do not queue
on one branch row) on the same server, interleaved with the product's paths; each figure
is the median of the rounds, and each ratio divides by the pgbench median at the same
number of clients. The machine's load (`uptime`) goes with every line: other work on a
shared machine moves the absolute numbers, far less the ratios.

Every line also says where the CPU went, per operation: the client processes' own time
(`getrusage`) and their server processes' (`/proc/<backend pid>`; for pgbench, the ended
sessions' time the server's main process reaped). Clients and server share this machine's
cores, so `cpu_bound_per_second` (cores ÷ both) is what CPU alone would allow: at 4 clients on
2 cores a path cannot pass that, however few round trips it makes.

Usage: python bench/bench_services.py [sqlite|postgresql] [--rounds 3] [--seconds 5]
(BENCH_NAME names the scratch database, default "services", so two runs on one server do not collide.)
"""

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402

PATHS = ("donate", "redeem", "collect", "award")
CLIENTS = (1, 4)
PEOPLE = 2000
CLAIMS = 40_000
PGBENCH_DB = "jiceng_bench_pgbench" + os.environ.get("BENCH_NAME", "")
BUDGET_RATIO = 0.75
BUDGET_SQLITE = 2000


def pgbench_bin() -> str | None:
    found = shutil.which("pgbench")
    if found:
        return found
    for version in ("17", "16", "15", "14", "13"):
        path = Path(f"/usr/lib/postgresql/{version}/bin/pgbench")
        if path.exists():
            return str(path)
    return None


# ---------------------------------------------------------------- setup (in the coordinating process)


def prepare() -> dict:
    """Per client a community of funded residents and a partner with its reward; a reviewer; claims."""
    import datetime as dt

    from django.utils import timezone

    from jiceng.bank import ledger
    from jiceng.bank.ledger import Spec
    from jiceng.bank.models import AlliancePartner, DeedClaim, EarningRule, PartnerState, Reward
    from jiceng.core.models import Role, RoleGrant, User
    from jiceng.demo import DEMO_DISTRICT, DEMO_SOURCE
    from jiceng.orgs.models import Organization
    from jiceng.people.models import Person
    from jiceng.regions.models import Region
    from jiceng.regions.services import regions_import_divisions

    regions_import_divisions(source=DEMO_SOURCE, district=DEMO_DISTRICT, progress=False)
    district = Region.objects.get(code=DEMO_DISTRICT)
    subdistrict = Region.objects.filter(parent=district).order_by("code").first()
    # One community and one partner per client, as pgbench gives each client its own branch: a
    # community's love pool and a partner's account are each one row every transfer to it updates.
    spaces = max(CLIENTS)
    communities = list(Region.objects.filter(parent=subdistrict).order_by("code")[:spaces])
    people = Person.objects.bulk_create(
        [
            Person(
                district=district,
                community=communities[i % spaces],
                name=f"居民{i}",
                gender="M" if i % 2 else "F",
            )
            for i in range(PEOPLE)
        ],
        batch_size=2000,
    )
    wallets = [ledger.wallet_open(p) for p in people]
    issuance = {c.pk: ledger.issuance_account(c).pk for c in communities}
    ledger.transfer_batch(
        [
            Spec(
                key=f"seed-{w.pk}",
                debit=issuance[p.community_id],
                credit=w.pk,
                amount=1_000_000,
                kind="award",
                reason="初始积分",
            )
            for p, w in zip(people, wallets, strict=True)
        ],
        district=district,
        objects=False,
    )
    worker = User.objects.create(username="bench-worker", display_name="社区工作者")
    for c in communities:
        RoleGrant.objects.create(user=worker, role=Role.COMMUNITY_WORKER, region=c)
    filer = User.objects.create(username="bench-filer", display_name="申报人")
    today = timezone.localdate()
    partners, partner_users, rewards = [], [], []
    for k, c in enumerate(communities):
        org = Organization.objects.create(district=district, region=c, kind="unit", name=f"示范商户{k}")
        partner_user = User.objects.create(username=f"bench-partner-{k}", display_name="商户")
        RoleGrant.objects.create(user=partner_user, role=Role.UNIT_OPERATOR, organization=org)
        partner = AlliancePartner.objects.create(
            district=district,
            subdistrict=subdistrict,
            organization=org,
            state=PartnerState.APPROVED,
            address="社区服务中心",
            contact_name="张",
            contact_phone="13800000000",
            applied_by=partner_user,
        )
        ledger.partner_account(org)
        rewards.append(
            Reward.objects.create(
                district_id=partner.district_id,
                partner=partner,
                name=f"鸡蛋一盒 {k}",
                points_price=1,
                stock=10_000_000,
                per_person_limit=10_000_000,
                valid_from=today - dt.timedelta(days=1),
                valid_to=today + dt.timedelta(days=365),
                place="社区服务中心",
            )
        )
        partners.append(partner.pk)
        partner_users.append(partner_user.pk)
    rule = EarningRule.objects.create(
        district=district,
        code="bench",
        category="help",
        name="助人为乐",
        points=1,
        active_from=today - dt.timedelta(days=365),
    )
    DeedClaim.objects.bulk_create(
        [
            DeedClaim(
                district=district,
                community_id=people[i % PEOPLE].community_id,
                claimant=people[i % PEOPLE],
                rule=rule,
                points=1,
                deed_date=today,
                text="扶老人过马路",
                filed_by=filer,
            )
            for i in range(CLAIMS)
        ],
        batch_size=5000,
    )
    return {
        "people": [p.pk for p in people],
        "worker": worker.pk,
        "partner_users": partner_users,
        "partners": partners,
        "rewards": [r.pk for r in rewards],
    }


# ---------------------------------------------------------------- one client (its own process)


def client(path: str, k: int, n: int, seconds: float, tag: str, ids: dict) -> None:
    from jiceng.bank.models import AlliancePartner, DeedClaim, Redemption, RedemptionState, Reward
    from jiceng.bank.services import giving, reviews, rewards
    from jiceng.core.models import User
    from jiceng.people.models import Person

    people = list(Person.objects.filter(pk__in=ids["people"][k::n]).select_related("community"))
    todo: list = []
    if path == "donate":
        todo = [(p, i) for i, p in enumerate(people * 50)]
    elif path == "redeem":
        reward = Reward.objects.get(pk=ids["rewards"][k])
        todo = [(p, i) for i, p in enumerate(people * 50)]
    elif path == "collect":
        partner = AlliancePartner.objects.get(pk=ids["partners"][k])
        user = User.objects.get(pk=ids["partner_users"][k])
        todo = list(
            Redemption.objects.filter(reward_id=ids["rewards"][k], state=RedemptionState.PENDING).values_list(
                "code", flat=True
            )
        )
    elif path == "award":
        reviewer = User.objects.get(pk=ids["worker"])
        todo = list(
            DeedClaim.objects.filter(state="submitted", claimant_id__in=[p.pk for p in people])
            .select_related("claimant", "rule")
            .order_by("pk")[:100_000]
        )
    backend = _backend_pid()
    print("ready", flush=True)
    sys.stdin.readline()
    done = 0
    cpu0, server0 = _cpu_self(), _cpu_of(backend)
    t0 = time.perf_counter()
    deadline = t0 + seconds
    for item in todo:
        if path == "donate":
            giving.donation_create(person=item[0], points=1, request_id=f"{tag}-{k}-{item[1]}")
        elif path == "redeem":
            rewards.redemption_create(person=item[0], reward=reward, request_id=f"{tag}-{k}-{item[1]}")
        elif path == "collect":
            rewards.redemption_collect(user=user, partner=partner, code=item)
        else:
            reviews.claim_review(reviewer=reviewer, claim=item, approve=True)
        done += 1
        if done % 16 == 0 and time.perf_counter() >= deadline:
            break
    seconds = time.perf_counter() - t0
    cpu, server = _cpu_self() - cpu0, _cpu_of(backend) - server0
    print(
        json.dumps(
            {
                "ops": done,
                "seconds": seconds,
                "exhausted": done == len(todo),
                "cpu": cpu,
                "server_cpu": server,
            }
        ),
        flush=True,
    )


def _backend_pid() -> int | None:
    """The PostgreSQL server process serving this client, to read its CPU time (same machine only)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        return cursor.fetchone()[0]


def _cpu_self() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _cpu_of(pid: int | None, reaped: bool = False) -> float:
    """CPU seconds (user + system) a process has used, from /proc; with `reaped`, those of its children
    that have ended (cutime + cstime) instead. 0 where it cannot be read."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError, TypeError):
        return 0.0
    first = 13 if reaped else 11
    return (int(fields[first]) + int(fields[first + 1])) / os.sysconf("SC_CLK_TCK")


def run_clients(path: str, n: int, seconds: float, tag: str, ids_file: str) -> float:
    """Start n client processes, release them together; total operations per second.

    On SQLite the worker's WAL checkpoint (`core.wal`) runs beside them, in a thread of this
    process, every `SQLITE_CHECKPOINT_SECONDS`, as `jiceng worker` runs it beside the web server."""
    import threading

    from django.db import connection

    stop = threading.Event()
    if connection.vendor == "sqlite":
        from jiceng.core.jobs import periodic_list
        from jiceng.core.management.commands.worker import _periodic_forever

        every, checkpoint = periodic_list()["sqlite-checkpoint"]
        threading.Thread(
            target=_periodic_forever, args=(stop, "sqlite-checkpoint", every, checkpoint)
        ).start()
    try:
        return _run_clients(path, n, seconds, tag, ids_file)
    finally:
        stop.set()


def _run_clients(path: str, n: int, seconds: float, tag: str, ids_file: str) -> float:
    procs = [
        subprocess.Popen(
            [sys.executable, __file__, "--client", path, str(k), str(n), str(seconds), tag, ids_file],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        for k in range(n)
    ]
    for proc in procs:
        line = proc.stdout.readline()
        if line.strip() != "ready":
            raise RuntimeError(f"{path} client did not start: {line}")
    for proc in procs:
        proc.stdin.write("go\n")
        proc.stdin.flush()
    results = [json.loads(proc.communicate(timeout=600)[0].strip().splitlines()[-1]) for proc in procs]
    ops = sum(r["ops"] for r in results)
    CPU.setdefault((path, n), []).append(
        (sum(r["cpu"] for r in results) / ops, sum(r["server_cpu"] for r in results) / ops)
    )
    return ops / max(r["seconds"] for r in results)


# (path, clients) → per round, CPU seconds per operation: (the client processes', their server processes')
CPU: dict[tuple[str, int], list[tuple[float, float]]] = {}


def pgbench(binary: str, n: int, seconds: float) -> float:
    """pgbench's TPC-B at n clients; its CPU per transaction, its own and the server's, goes in CPU."""
    import resource

    children0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    server0 = _cpu_of(POSTMASTER, reaped=True)
    out = subprocess.run(
        [binary, "-n", "-h", "127.0.0.1", "-U", "postgres", "-c", str(n), "-j", str(n), "-T", str(int(seconds)),
         PGBENCH_DB],
        capture_output=True,
        text=True,
        check=True,
    ).stdout  # fmt: skip
    time.sleep(0.5)  # the server reaps pgbench's sessions a moment after they end
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    tps = float(re.search(r"tps = ([\d.]+)", out).group(1))
    txns = tps * int(seconds)
    client = (children.ru_utime + children.ru_stime) - (children0.ru_utime + children0.ru_stime)
    CPU.setdefault(("pgbench", n), []).append(
        (client / txns, (_cpu_of(POSTMASTER, reaped=True) - server0) / txns)
    )
    return tps


def _postmaster() -> int | None:
    """The PostgreSQL server's main process, whose reaped children are the sessions that ended."""
    try:
        folder = subprocess.run(
            ["psql", "-Atq", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c", "SHOW data_directory"],
            capture_output=True, text=True, check=True,
        ).stdout.strip()  # fmt: skip
        return int(Path(folder, "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError, subprocess.CalledProcessError):
        return None


POSTMASTER: int | None = None


def run(backend: str, rounds: int, seconds: float, paths=PATHS, clients=CLIENTS) -> None:
    _django.setup(backend, os.environ.get("BENCH_NAME", "services"))
    ids = prepare()
    ids_file = Path(os.environ["JICENG_VAR_DIR"]) / "bench-services.json"
    ids_file.write_text(json.dumps(ids))
    from django.db import connections

    connections.close_all()
    clients = clients if backend == "postgresql" else (1,)
    binary = pgbench_bin() if backend == "postgresql" else None
    if backend == "postgresql" and binary is None:
        _django.emit(
            bench="pgbench_tpcb", backend=backend, note="pgbench 不可用：只报告本产品的数字，没有比值"
        )
    global POSTMASTER
    POSTMASTER = _postmaster() if binary else None
    if binary:
        for sql in (f"DROP DATABASE IF EXISTS {PGBENCH_DB}", f"CREATE DATABASE {PGBENCH_DB}"):
            subprocess.run(
                ["psql", "-q", "-h", "127.0.0.1", "-U", "postgres", "-d", "postgres", "-c", sql], check=True
            )
        subprocess.run(
            [binary, "-i", "-q", "-s", "4", "-h", "127.0.0.1", "-U", "postgres", PGBENCH_DB],
            check=True,
            capture_output=True,
        )
    figures: dict[tuple[str, int], list[float]] = {}
    loads: list[str] = []
    for r in range(rounds):
        for n in clients:
            if binary:
                figures.setdefault(("pgbench", n), []).append(pgbench(binary, n, seconds))
            for path in paths:
                figures.setdefault((path, n), []).append(
                    run_clients(path, n, seconds, f"r{r}c{n}", str(ids_file))
                )
        loads.append(_django.load())
    for n in clients:
        base = statistics.median(figures[("pgbench", n)]) if binary else None
        if base:
            client_cpu = statistics.median(c for c, _s in CPU[("pgbench", n)])
            server_cpu = statistics.median(s for _c, s in CPU[("pgbench", n)])
            _django.emit(
                bench="pgbench_tpcb",
                backend=backend,
                clients=n,
                measures="pgbench built-in TPC-B (scale 4), same server",
                per_second=round(base),
                client_cpu_ms_per_op=round(client_cpu * 1000, 3),
                server_cpu_ms_per_op=round(server_cpu * 1000, 3) if server_cpu else None,
                rounds=[round(x) for x in figures[("pgbench", n)]],
                load=loads[-1],
            )
        for path in paths:
            med = statistics.median(figures[(path, n)])
            line = {
                "bench": f"service_{path}",
                "backend": backend,
                "clients": n,
                "measures": f"{path} through its real service function, {n} process(es), one transfer per call",
                "per_second": round(med),
                "rounds": [round(x) for x in figures[(path, n)]],
            }
            client_cpu = statistics.median(c for c, _s in CPU[(path, n)])
            server_cpu = statistics.median(s for _c, s in CPU[(path, n)])
            line |= {
                "client_cpu_ms_per_op": round(client_cpu * 1000, 3),
                "server_cpu_ms_per_op": round(server_cpu * 1000, 3) if server_cpu else None,
                # What the machine's cores could do if CPU were the only limit: clients and server share them.
                "cpu_bound_per_second": round(os.cpu_count() / (client_cpu + server_cpu)),
            }
            if base:
                line |= {
                    "ratio_to_pgbench": round(med / base, 3),
                    "budget_ratio": BUDGET_RATIO,
                    "ok": med / base >= BUDGET_RATIO,
                }
            elif backend == "sqlite":
                line |= {"budget_per_second": BUDGET_SQLITE, "ok": med >= BUDGET_SQLITE}
            _django.emit(**line, load=loads[-1])


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--client":
        path, k, n, seconds, tag, ids_file = sys.argv[2:8]
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiceng.settings")
        import django

        django.setup()
        client(path, int(k), int(n), float(seconds), tag, json.loads(Path(ids_file).read_text()))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("backend", nargs="?", choices=["sqlite", "postgresql"])
    parser.add_argument("--rounds", type=int, default=int(os.environ.get("BENCH_ROUNDS", 3)))
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("BENCH_SECONDS", 5)))
    parser.add_argument("--paths", default=",".join(PATHS), help="some of: " + ", ".join(PATHS))
    parser.add_argument("--clients", default=",".join(map(str, CLIENTS)))
    args = parser.parse_args()
    if args.backend:
        paths = tuple(p for p in args.paths.split(",") if p in PATHS)
        run(args.backend, args.rounds, args.seconds, paths, tuple(int(c) for c in args.clients.split(",")))
        return
    backends = ["sqlite"] + (["postgresql"] if _django.postgres_available() else [])
    for backend in backends:
        subprocess.run(
            [sys.executable, __file__, backend, "--rounds", str(args.rounds), "--seconds", str(args.seconds),
             "--paths", args.paths, "--clients", args.clients],
            check=True,
        )  # fmt: skip


if __name__ == "__main__":
    main()

"""Funding roll-up benchmark: a district of 1M residents, one JSON line per figure.

Builds a district with 20 subdistricts of 25 communities (2,000 active residents each: 1M),
its four budget lines at every level with allocations down both levels, and expenses in
proportion to each community's population (20 per community and kind: 40,000 rows), with bulk
inserts. Then times the funds page's roll-up (`funds_overview`: budget, allocated, spent,
execution rate, spend per resident, share for serving the people) for the district (21 regions)
and for one subdistrict (26 regions), and `budget_holds` (what one line holds, read under the
lock by every allocation and expense).

Usage: python bench/bench_funding.py [sqlite|postgresql] [--residents N] [--all]

Without a backend it runs on SQLite only, which keeps `make bench`'s share under 90 s on a
shared machine (building 1M residents takes most of it); `--all` adds PostgreSQL when it is there.
"""

import argparse
import datetime as dt
import random
import statistics
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402

SUBS, COMMUNITIES, YEAR = 20, 25, 2026


def build(residents: int) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone
    from tqdm import tqdm

    from jiceng.core.models import User
    from jiceng.funding.models import Allocation, Budget, BudgetKind, Expense, PaidFor
    from jiceng.regions.models import Level, Region

    rng = random.Random(7)
    district = Region.objects.create(code="510199000000", name="基准区", level=Level.DISTRICT)
    subs = Region.objects.bulk_create(
        Region(code=f"510199{s:03d}000", name=f"第{s}街道", level=Level.SUBDISTRICT, parent=district)
        for s in range(1, SUBS + 1)
    )
    communities = Region.objects.bulk_create(
        Region(code=f"{sub.code[:9]}{c:03d}", name=f"{sub.name}第{c}社区", level=Level.COMMUNITY, parent=sub)
        for sub in subs
        for c in range(1, COMMUNITIES + 1)
    )
    per = residents // len(communities)
    now = timezone.now()
    columns = "district_id, community_id, name, gender, phone, id_number_hash, id_number_masked, is_active, created_at"
    with transaction.atomic(), connection.cursor() as cur:
        for com in tqdm(communities, desc="居民", unit="社区", file=sys.stderr, mininterval=1):
            rows = [(district.pk, com.pk, f"居民{i}", "MF"[i % 2], "", "", "", True, now) for i in range(per)]
            if connection.vendor == "postgresql":  # COPY: the fast path psycopg 3 offers for bulk rows
                with cur.cursor.copy(f"COPY people_person ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cur.executemany(
                    f"INSERT INTO people_person ({columns}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", rows
                )
    admin = User.objects.create(username="bench-admin", display_name="基准")
    lines, allocations, expenses = [], [], []
    amounts = {
        BudgetKind.PARTY_WORK: 12,
        BudgetKind.OPERATIONS: 24,
        BudgetKind.SERVICE: 36,
        BudgetKind.WORKER_PAY: 90,
    }
    with transaction.atomic():
        for kind, yuan_per_resident in amounts.items():
            top = Budget.objects.create(
                district=district,
                region=district,
                year=YEAR,
                kind=kind,
                amount=Decimal(yuan_per_resident * residents),
            )
            sub_lines = Budget.objects.bulk_create(
                Budget(district=district, region=s, year=YEAR, kind=kind, amount=0) for s in subs
            )
            com_lines = Budget.objects.bulk_create(
                Budget(district=district, region=c, year=YEAR, kind=kind, amount=0) for c in communities
            )
            lines += [top, *sub_lines, *com_lines]
            per_sub = Decimal(yuan_per_resident * per * COMMUNITIES) * Decimal("0.9")
            per_com = Decimal(yuan_per_resident * per) * Decimal("0.8")
            allocations += [
                Allocation(district=district, source=top, target=s, amount=per_sub, created_by=admin)
                for s in sub_lines
            ]
            by_region = {line.region_id: line for line in sub_lines}
            allocations += [
                Allocation(
                    district=district,
                    source=by_region[c.region.parent_id],
                    target=c,
                    amount=per_com,
                    created_by=admin,
                )
                for c in com_lines
            ]
            for c in com_lines:
                for i in range(20):
                    expenses.append(
                        Expense(
                            district=district,
                            budget=c,
                            amount=Decimal(rng.randint(100, int(per_com / 40))),
                            spent_on=dt.date(YEAR, 1 + i % 11, 1 + i),
                            description="支出",
                            paid_for_kind=PaidFor.OTHER,
                            key=f"b-{c.pk}-{i}",
                            created_by=admin,
                        )
                    )
        Allocation.objects.bulk_create(allocations, batch_size=2000)
        for start in tqdm(range(0, len(expenses), 5000), desc="支出", file=sys.stderr, mininterval=1):
            Expense.objects.bulk_create(expenses[start : start + 5000])
    return {"district": district, "sub": subs[0], "line": lines[0], "expenses": len(expenses)}


def timed(fn, repeat: int = 3) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs), max(runs)


def run(backend: str, residents: int) -> None:
    _django.setup(backend, "funding")
    from jiceng.funding.queries.funds import budget_holds, funds_overview

    t = time.perf_counter()
    world = build(residents)
    build_s = time.perf_counter() - t
    whole, children = funds_overview(world["district"], year=YEAR)
    assert whole.residents == residents // (SUBS * COMMUNITIES) * SUBS * COMMUNITIES, whole.residents
    assert len(children) == SUBS and whole.spent > 0
    common = {
        "backend": backend,
        "residents": whole.residents,
        "expenses": world["expenses"],
        "load": _django.load(),
    }
    _django.emit(
        label="build: regions, 1M residents, budgets, allocations, expenses (bulk)",
        seconds=round(build_s, 1),
        **common,
    )
    median, worst = timed(lambda: funds_overview(world["district"], year=YEAR))
    _django.emit(
        label="funds_overview(district): figures of the district and its 20 subdistricts",
        median_ms=round(median, 1),
        max_ms=round(worst, 1),
        spend_per_resident=str(whole.per_resident),
        execution_rate=str(whole.execution_rate),
        **common,
    )
    median, worst = timed(lambda: funds_overview(world["sub"], year=YEAR))
    _django.emit(
        label="funds_overview(subdistrict): figures of one subdistrict and its 25 communities",
        median_ms=round(median, 1),
        max_ms=round(worst, 1),
        **common,
    )
    median, worst = timed(lambda: budget_holds(world["line"]), repeat=20)
    _django.emit(
        label="budget_holds(district line): what one line holds, read under its lock by each allocation/expense",
        median_ms=round(median, 2),
        max_ms=round(worst, 2),
        **common,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("backend", nargs="?", choices=["sqlite", "postgresql"])
    parser.add_argument("--residents", type=int, default=1_000_000)
    parser.add_argument("--all", action="store_true", help="SQLite, then PostgreSQL when it is there")
    args = parser.parse_args()
    if args.backend:
        run(args.backend, args.residents)
        return
    for backend in ["sqlite"] + (["postgresql"] if args.all and _django.postgres_available() else []):
        subprocess.run([sys.executable, __file__, backend, "--residents", str(args.residents)], check=True)


if __name__ == "__main__":
    main()

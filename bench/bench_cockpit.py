"""Cockpit benchmark: the cockpit's figures on a large generated district, one JSON line each.

Builds a district of 20 subdistricts × 25 communities with `--residents` active residents
(default 100,000), one wallet per community receiving `--awards` posted award transfers (default
100,000) spread over the year, 100 open or resolved needs, 20 held activities and 200 check-ins
per community (10,000 activities, 100,000 check-ins), all with bulk inserts that bypass the
services (the ledger's own benchmark times writes). `--scale` is the issue's scale: 1M residents
and 20M award transfers (the cockpit reads no claims, so none are generated).

Then times, for the district, one subdistrict and one community: `cockpit_get` summed live (the
fallback before any roll-up), the roll-up's first refresh (`rollup_refresh`, every figure from
scratch), `cockpit_get` reading the roll-up (what the page does), and a second refresh after 10,000
more awards (the incremental one the worker runs every `COCKPIT_ROLLUP_SECONDS`).

Usage: python bench/bench_cockpit.py [sqlite|postgresql] [--residents N] [--awards N] [--scale] [--all]
(BENCH_NAME names the scratch database, default "cockpit", so two runs on one server do not collide.)
"""

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402

SUBS, COMMUNITIES = 20, 25


def _copy(cur, connection, table: str, columns: str, rows: list[tuple]) -> None:
    if connection.vendor == "postgresql":
        with cur.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
    else:
        marks = ", ".join(["%s"] * len(columns.split(",")))
        cur.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", rows)


def build(residents: int, awards: int) -> dict:
    from django.db import connection, transaction
    from django.utils import timezone
    from tqdm import tqdm

    from jiceng.activities.models import Activity
    from jiceng.bank.models import Account, AccountKind
    from jiceng.core.models import User
    from jiceng.people.models import Person
    from jiceng.regions.models import Level, Region

    year = timezone.localdate().year
    district = Region.objects.create(code="510198000000", name="基准区", level=Level.DISTRICT)
    subs = Region.objects.bulk_create(
        Region(code=f"510198{s:03d}000", name=f"第{s}街道", level=Level.SUBDISTRICT, parent=district)
        for s in range(1, SUBS + 1)
    )
    communities = Region.objects.bulk_create(
        Region(code=f"{sub.code[:9]}{c:03d}", name=f"{sub.name}第{c}社区", level=Level.COMMUNITY, parent=sub)
        for sub in subs
        for c in range(1, COMMUNITIES + 1)
    )
    per = residents // len(communities)
    now = timezone.now()
    admin = User.objects.create(username="bench-admin", display_name="基准")
    people = "district_id, community_id, name, gender, phone, id_number_hash, id_number_masked, is_active, created_at"
    with transaction.atomic(), connection.cursor() as cur:
        for com in tqdm(communities, desc="居民", unit="社区", file=sys.stderr, mininterval=1):
            rows = [(district.pk, com.pk, f"居民{i}", "MF"[i % 2], "", "", "", True, now) for i in range(per)]
            _copy(cur, connection, "people_person", people, rows)
    first = dict(
        Person.objects.filter(district=district, name="居民0").values_list("community_id", "id").order_by()
    )
    issuance = Account.objects.bulk_create(
        Account(district=district, kind=AccountKind.ISSUANCE, community=c, name=f"{c.name}发行")
        for c in communities
    )
    wallets = Account.objects.bulk_create(
        Account(district=district, kind=AccountKind.WALLET, person_id=first[c.pk], name=f"{c.name}居民0")
        for c in communities
    )
    start = timezone.make_aware(dt.datetime(year, 1, 1, 9))
    span = max((now - start).total_seconds(), 1)
    columns = "district_id, key, payload_hash, debit_id, credit_id, amount, kind, state, reason, cause_type, cause_id, created_at, resolved_at"
    with transaction.atomic(), connection.cursor() as cur:
        rows = []
        for i in tqdm(range(awards), desc="奖励", unit="笔", file=sys.stderr, mininterval=2, unit_scale=True):
            n = i % len(communities)
            at = start + dt.timedelta(seconds=span * i / awards)
            rows.append(
                (
                    district.pk,
                    f"b-{i}",
                    "",
                    issuance[n].pk,
                    wallets[n].pk,
                    5,
                    "award",
                    "posted",
                    "志愿服务",
                    "",
                    "",
                    at,
                    at,
                )
            )
            if len(rows) == 20000:
                _copy(cur, connection, "bank_transfer", columns, rows)
                rows = []
        _copy(cur, connection, "bank_transfer", columns, rows)
        needs = "district_id, community_id, title, description, category, urgency, source, status, filed_by_id, created_at, resolved_at"
        _copy(
            cur,
            connection,
            "alliance_need",
            needs,
            [
                (
                    district.pk,
                    c.pk,
                    "需求",
                    "",
                    "health",
                    "normal",
                    "community",
                    "resolved" if i % 2 else "open",
                    admin.pk,
                    now,
                    now if i % 2 else None,
                )
                for c in communities
                for i in range(100)
            ],
        )
    acts = Activity.objects.bulk_create(
        [
            Activity(
                district=district,
                community=c,
                organizer_kind="community",
                title="志愿服务",
                place="社区",
                starts_at=start + dt.timedelta(days=i * 15),
                ends_at=start + dt.timedelta(days=i * 15, hours=2),
                published_by=admin,
                status="closed",
            )
            for c in communities
            for i in range(20)
        ],
        batch_size=2000,
    )
    checkins = "activity_id, person_id, checked_in_at, method, recorded_by_id"
    with transaction.atomic(), connection.cursor() as cur:
        _copy(
            cur,
            connection,
            "activities_checkin",
            checkins,
            [(a.pk, first[a.community_id] + k, a.starts_at, "qr", admin.pk) for a in acts for k in range(10)],
        )
    return {"district": district, "sub": subs[0], "community": communities[0], "year": year}


def timed(fn, repeat: int = 3) -> tuple[float, float]:
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append((time.perf_counter() - t) * 1000)
    return statistics.median(runs), max(runs)


def more_awards(world: dict, n: int) -> None:
    """`n` more posted awards, made two minutes ago (settled, so the next refresh's mark passes them)."""
    from django.db import connection, transaction
    from django.utils import timezone

    from jiceng.bank.models import Account, AccountKind

    district = world["district"]
    issuance = list(
        Account.objects.filter(district=district, kind=AccountKind.ISSUANCE).order_by("community_id")
    )
    wallets = list(
        Account.objects.filter(district=district, kind=AccountKind.WALLET).order_by("person__community_id")
    )
    at = timezone.now() - dt.timedelta(minutes=2)
    columns = "district_id, key, payload_hash, debit_id, credit_id, amount, kind, state, reason, cause_type, cause_id, created_at, resolved_at"
    rows = [
        (
            district.pk,
            f"more-{i}",
            "",
            issuance[i % len(issuance)].pk,
            wallets[i % len(wallets)].pk,
            5,
            "award",
            "posted",
            "志愿服务",
            "",
            "",
            at,
            at,
        )
        for i in range(n)
    ]
    with transaction.atomic(), connection.cursor() as cur:
        _copy(cur, connection, "bank_transfer", columns, rows)


def run(backend: str, residents: int, awards: int) -> None:
    _django.setup(backend, os.environ.get("BENCH_NAME", "cockpit"))
    from jiceng.cockpit.queries.board import cockpit_get
    from jiceng.cockpit.queries.overview import region_overview_get
    from jiceng.cockpit.services.rollup import rollup_refresh

    t = time.perf_counter()
    world = build(residents, awards)
    build_s = time.perf_counter() - t
    t = time.perf_counter()
    cockpit = cockpit_get(world["district"])
    first_ms = (time.perf_counter() - t) * 1000
    assert cockpit.total.residents == residents // (SUBS * COMMUNITIES) * SUBS * COMMUNITIES
    assert cockpit.total.issued == awards * 5 and len(cockpit.children) == SUBS
    common = {
        "backend": backend,
        "residents": cockpit.total.residents,
        "awards": awards,
        "load": _django.load(),
    }
    _django.emit(label="build (bulk)", seconds=round(build_s, 1), **common)
    _django.emit(
        label="cockpit_get(district), first call (computes the circle's coverage)",
        ms=round(first_ms),
        **common,
    )
    levels = [
        ("district", "the district and its 20 subdistricts", world["district"]),
        ("subdistrict", "one subdistrict and its 25 communities", world["sub"]),
        ("community", "one community", world["community"]),
    ]
    for level, what, region in levels:
        median, worst = timed(
            lambda r=region: cockpit_get(r, live=True), repeat=1 if awards > 1_000_000 else 3
        )
        _django.emit(
            label=f"cockpit_get({level}, live=True): every target and tile summed from the records, {what}",
            median_ms=round(median, 1),
            max_ms=round(worst, 1),
            **common,
        )
    t = time.perf_counter()
    stamp = rollup_refresh(district=world["district"])
    _django.emit(
        label="rollup_refresh(district), first: every rolled-up figure from scratch, in one transaction",
        seconds=round(time.perf_counter() - t, 2),
        **common,
    )
    assert stamp.transfer_mark > 0
    for level, what, region in levels:
        median, worst = timed(lambda r=region: (cockpit_get(r), region_overview_get(r)))
        _django.emit(
            label=f"cockpit_get({level}) and region_overview_get reading the roll-up (every figure of the page): {what}",
            median_ms=round(median, 1),
            max_ms=round(worst, 1),
            **common,
        )
    more_awards(world, 10_000)
    t = time.perf_counter()
    rollup_refresh(district=world["district"])
    _django.emit(
        label="rollup_refresh(district), again after 10,000 more awards (adds the transfers since its mark)",
        seconds=round(time.perf_counter() - t, 2),
        **common,
    )
    assert cockpit_get(world["district"]).total.issued == (awards + 10_000) * 5


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("backend", nargs="?", choices=["sqlite", "postgresql"])
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--awards", type=int, default=100_000)
    parser.add_argument(
        "--scale", action="store_true", help="the issue's scale: 1M residents, 20M award transfers"
    )
    parser.add_argument("--all", action="store_true", help="SQLite, then PostgreSQL when it is there")
    args = parser.parse_args()
    if args.scale:
        args.residents, args.awards = 1_000_000, 20_000_000
    if args.backend:
        run(args.backend, args.residents, args.awards)
        return
    for backend in ["sqlite"] + (["postgresql"] if args.all and _django.postgres_available() else []):
        cmd = [
            sys.executable,
            __file__,
            backend,
            "--residents",
            str(args.residents),
            "--awards",
            str(args.awards),
        ]
        subprocess.run(cmd, check=True)


if __name__ == "__main__":
    main()

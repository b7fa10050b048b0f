"""Moral Bank ledger benchmarks, one JSON line per figure, on SQLite and on PostgreSQL.

Budgets (ARCHITECTURE.md): batch award ≥ 40,000 transfers/s; 8 concurrent holders lose
nothing and overdraw nothing; a checkpoint of 1M new leaves ≤ 30 s on PostgreSQL. Reported:
the checkpoint of N new leaves, `verify --full` at N transfers, the incremental verify after
N/100 new transfers, and proofs read from the stored tree nodes.

Every figure says what it measures. `ledger_transfer_direct` calls `ledger.transfer`
with account ids and no service code around it: it is the ledger's own cost, not a
service path. The service paths (donate, redeem, collect, award) and their ratios to
pgbench are in bench_services.py.

Usage: python bench/bench_ledger.py [sqlite|postgresql] [--million N]
(`--million 1000000` is the issue's scale; `make bench` uses BENCH_LEDGER_TRANSFERS or 1M.)
"""

import argparse
import datetime
import os
import random
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402


def run(backend: str, million: int) -> None:
    _django.setup(backend, "ledger")
    from django.db import connections
    from tqdm import tqdm

    from jiceng.bank import ledger, log
    from jiceng.bank.ledger import InsufficientPoints, Spec
    from jiceng.bank.models import Account, AccountKind, LogLeaf, Transfer
    from jiceng.bank.verify import verify_district
    from jiceng.people.models import Person
    from jiceng.regions.models import Region

    district = Region.objects.create(code="510107000000", name="武侯区", level="district")
    community = Region.objects.create(code="510107001004", name="洗面桥社区", level="community")
    n_wallets = 10_000
    Person.objects.bulk_create(
        [
            Person(district=district, community=community, name=f"居民{i}", gender="M")
            for i in range(n_wallets)
        ],
        batch_size=5000,
    )
    Account.objects.bulk_create(
        [
            Account(district=district, kind=AccountKind.WALLET, person_id=pid, name="w")
            for pid in Person.objects.values_list("id", flat=True)
        ],
        batch_size=5000,
    )
    wallets = list(Account.objects.filter(kind=AccountKind.WALLET).values_list("id", flat=True))
    issuance = ledger.issuance_account(community)
    pool = ledger.love_pool(community)
    tag = {"backend": backend}

    # 1. batch award of 100k posted transfers
    specs = [
        Spec(
            key=f"batch-{i}",
            debit=issuance.pk,
            credit=wallets[i % n_wallets],
            amount=5,
            kind="award",
            reason="批量奖励",
        )
        for i in range(100_000)
    ]
    t0 = time.perf_counter()
    ledger.transfer_batch(specs, district=district, objects=False)
    secs = time.perf_counter() - t0
    _django.emit(
        bench="ledger_batch_award",
        **tag,
        transfers=100_000,
        seconds=round(secs, 3),
        per_second=round(100_000 / secs),
        measures="ledger.transfer_batch of 100k posted awards in one transaction",
        budget_per_second=40_000,
        ok=100_000 / secs >= 40_000,
    )

    # 2. single transfers through ledger.transfer itself (no service code: see bench_services.py)
    n = 3000
    t0 = time.perf_counter()
    for i in tqdm(range(n), desc="单笔积分变动", file=sys.stderr, mininterval=1):
        ledger.transfer(
            district=district,
            key=f"single-{i}",
            debit=wallets[i % n_wallets],
            credit=pool.pk,
            amount=1,
            kind="donation",
            reason="捐赠",
        )
    secs = time.perf_counter() - t0
    _django.emit(
        bench="ledger_transfer_direct",
        **tag,
        measures="ledger.transfer called directly with account ids, one posted transfer per call, one client",
        transfers=n,
        seconds=round(secs, 3),
        per_second=round(n / secs),
        load=_django.load(),
    )

    # 3. 8 threads (one process) holding points with ledger.transfer from the same 20 wallets
    hot = wallets[:20]
    before = {a.pk: a.available for a in Account.objects.filter(pk__in=hot)}
    counts = {"ok": 0, "refused": 0, "error": 0}
    lock = threading.Lock()

    def worker(w: int) -> None:
        for i in range(300):
            try:
                ledger.transfer(
                    district=district,
                    key=f"redeem-{w}-{i}",
                    pending=True,
                    debit=hot[(w + i) % 20],
                    credit=pool.pk,
                    amount=7,
                    kind="redemption",
                    reason="兑换",
                )
                outcome = "ok"
            except InsufficientPoints:
                outcome = "refused"
            except Exception:  # noqa: BLE001
                outcome = "error"
            with lock:
                counts[outcome] += 1
        connections.close_all()

    t0 = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    secs = time.perf_counter() - t0
    held = sum(Transfer.objects.filter(key__startswith="redeem-").values_list("amount", flat=True))
    after = {a.pk: a.available for a in Account.objects.filter(pk__in=hot)}
    lost = (sum(before.values()) - sum(after.values())) - held
    negative = sum(1 for v in after.values() if v < 0)
    problems, _ = verify_district(district)
    _django.emit(
        bench="ledger_concurrent_holds",
        **tag,
        measures="ledger.transfer pending holds from 8 threads of one process on 20 shared wallets",
        workers=8,
        attempts=2400,
        succeeded=counts["ok"],
        refused=counts["refused"],
        errors=counts["error"],
        seconds=round(secs, 3),
        per_second=round(2400 / secs),
        lost_points=lost,
        negative_wallets=negative,
        verify_problems=len(problems),
        ok=lost == 0 and negative == 0 and not problems and not counts["error"],
    )

    # 4 and 5. verify and checkpoint over ~1M transfers
    def awards(prefix: str, n: int, reason: str) -> None:
        specs = [
            Spec(
                key=f"{prefix}-{j}",
                debit=issuance.pk,
                credit=wallets[j % n_wallets],
                amount=1,
                kind="award",
                reason=reason,
            )
            for j in range(n)
        ]
        ledger.transfer_batch(specs, district=district, objects=False)

    have = Transfer.objects.count()
    bar = tqdm(total=million, initial=have, desc="生成流水", file=sys.stderr, mininterval=1)
    i = 0
    while have < million:
        chunk = min(100_000, million - have)
        awards(f"fill-{i}", chunk, "填充")
        have += chunk
        i += 1
        bar.update(chunk)
    bar.close()
    t0 = time.perf_counter()
    cp = log.checkpoint(district)
    secs = time.perf_counter() - t0
    _django.emit(
        bench="ledger_checkpoint",
        **tag,
        measures=f"log.checkpoint of {cp.size} new leaves: leaves and stored tree nodes written, checkpoint signed",
        new_leaves=cp.size,
        seconds=round(secs, 3),
        budget_seconds=round(30 * cp.size / 1_000_000, 1) if backend == "postgresql" else None,  # 30 s per 1M
        ok=secs <= 30 * cp.size / 1_000_000 if backend == "postgresql" else None,
        load=_django.load(),
    )
    from jiceng.bank import verify as verify_module

    # Every transfer here is minutes old: with the hour's overlap the mark would hold none of them.
    verify_module.OVERLAP = datetime.timedelta(0)
    t0 = time.perf_counter()
    problems, figures = verify_district(district, full=True)
    secs = time.perf_counter() - t0
    _django.emit(
        bench="ledger_verify_full",
        **tag,
        measures=f"ledger verify --full at {figures['transfers']} transfers and {figures['leaves']} leaves",
        transfers=figures["transfers"],
        leaves=figures["leaves"],
        seconds=round(secs, 3),
        problems=len(problems),
        ok=not problems,
        load=_django.load(),
    )

    # proofs from stored nodes: a resident's inclusion bundle, and their page's 500 proofs
    from jiceng import transparency

    rng = random.Random(2)
    picks = rng.sample(range(cp.size), 200)
    ids = dict(LogLeaf.objects.filter(district=district, index__in=picks).values_list("index", "transfer_id"))
    samples = []
    for index in picks:
        t = Transfer.objects.get(pk=ids[index])
        t0 = time.perf_counter()
        bundle = log.inclusion_bundle(t, cp)
        samples.append((time.perf_counter() - t0) * 1000)
    assert transparency.verify_bundle(bundle)
    _django.emit(
        bench="ledger_proof_stored_nodes",
        **tag,
        measures=f"log.inclusion_bundle from stored nodes (no in-memory tree), tree of {cp.size} leaves, 200 random leaves",
        p50_ms=round(statistics.median(samples), 2),
        p95_ms=round(statistics.quantiles(samples, n=20)[-1], 2),
        load=_django.load(),
    )
    busy = Account.objects.get(pk=wallets[0])
    t0 = time.perf_counter()
    proofs = log.account_proofs(busy)
    secs = time.perf_counter() - t0
    _django.emit(
        bench="ledger_account_proofs_stored_nodes",
        **tag,
        measures=f"log.account_proofs: {len(proofs['entries'])} inclusion proofs of one wallet, tree of {cp.size} leaves",
        seconds=round(secs, 3),
    )

    # incremental verify after K new transfers (checkpointed), from the full run's mark
    k = max(1, million // 100)
    awards("later", k, "增量")
    log.checkpoint(district)
    t0 = time.perf_counter()
    problems, inc = verify_district(district, full=False)
    secs = time.perf_counter() - t0
    _django.emit(
        bench="ledger_verify_incremental",
        **tag,
        measures=f"ledger verify (incremental) after {k} new transfers on {figures['transfers']} verified ones",
        new_transfers=k,
        transfers_reread=inc.get("transfers"),
        accounts=inc.get("accounts"),
        seconds=round(secs, 3),
        problems=len(problems),
        ok=not problems and inc.get("mode") == "incremental",
        load=_django.load(),
    )

    # 6. a resident's home page reads: balance and the last 20 entries, for random wallets
    from jiceng.bank.queries.wallets import entry_list_recent

    rng = random.Random(1)
    samples = []
    for wallet_id in rng.sample(wallets, 500):
        t0 = time.perf_counter()
        account = Account.objects.get(pk=wallet_id)
        _ = account.available, account.pending_in
        entry_list_recent(account, 20)
        samples.append((time.perf_counter() - t0) * 1000)
    p95 = statistics.quantiles(samples, n=20)[-1]
    _django.emit(
        bench="resident_home_reads",
        **tag,
        wallets=n_wallets,
        transfers=figures["transfers"],
        p50_ms=round(statistics.median(samples), 2),
        p95_ms=round(p95, 2),
        budget_p95_ms=50,
        ok=p95 <= 50,
        note="measured below the budget's scale of 1M residents and 20M transfers",
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("backend", nargs="?", choices=["sqlite", "postgresql"])
    parser.add_argument(
        "--million", type=int, default=int(os.environ.get("BENCH_LEDGER_TRANSFERS", 1_000_000))
    )
    args = parser.parse_args()
    if args.backend:
        run(args.backend, args.million)
        return
    # Each backend in its own process: Django configures its database once per process.
    backends = ["sqlite"] + (["postgresql"] if _django.postgres_available() else [])
    for backend in backends:
        subprocess.run([sys.executable, __file__, backend, "--million", str(args.million)], check=True)


if __name__ == "__main__":
    main()

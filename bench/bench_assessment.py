"""Assessment benchmark: a whole-district run on the cockpit benchmark's generated district, one JSON line each.

Builds the same district as `bench_cockpit.py` (20 subdistricts × 25 communities, `--residents`
active residents, `--awards` posted awards, needs, activities and check-ins; `--scale` is 1M
residents and 20M awards), publishes a subdistrict scheme and a community scheme holding every
computed indicator of the catalogue that applies to the subject (equal weights adding up to 100),
and times `run_compute` of each over the year so far. Each computation is timed on its own too
(wrapped, not changed), and the slowest are printed, so an indicator over budget is named (a computation with a batch
form is called once per run, so its calls count 1).
Budget: ≤ 60 s for the whole district at 1M residents.

Usage: python bench/bench_assessment.py [sqlite|postgresql] [--residents N] [--awards N] [--scale] [--all] [--reuse]
(BENCH_NAME names the scratch database, default "assessment". `--reuse` runs on the district that
`bench_cockpit.py` left in the database of the same BENCH_NAME, so the scale is built once:
`BENCH_NAME=scale BENCH_SQLITE_DIR=var/bench python bench/bench_cockpit.py sqlite --scale`, then
`BENCH_NAME=scale BENCH_SQLITE_DIR=var/bench python bench/bench_assessment.py sqlite --reuse`.)
"""

import argparse
import dataclasses
import datetime as dt
import os
import subprocess
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402


def _schemes(district, year: int):
    from jiceng.assessment.catalogue.registry import CATALOGUE
    from jiceng.assessment.models import SubjectType
    from jiceng.assessment.services import indicator_add, scheme_create, scheme_publish

    out = []
    for subject_type in (SubjectType.SUBDISTRICT, SubjectType.COMMUNITY):
        codes = sorted(code for code, c in CATALOGUE.items() if subject_type in c.subjects)
        scheme = scheme_create(
            district=district, year=year, subject_type=subject_type, name=f"基准{subject_type}"
        )
        weight = Decimal(100) // len(codes)
        for i, code in enumerate(codes):
            extra = Decimal(100) - weight * len(codes) if i == 0 else 0
            indicator_add(scheme=scheme, code=code, weight=weight + extra)
        out.append((subject_type, scheme_publish(scheme=scheme), codes))
    return out


def _timed_catalogue(spent: dict) -> None:
    """Wrap every computation (and its batch form) so its time per call is added to `spent[code]`."""
    from jiceng.assessment.catalogue.registry import CATALOGUE

    def timed(f, code):
        def wrapped(*args):
            t = time.perf_counter()
            try:
                return f(*args)
            finally:
                spent[code][0] += time.perf_counter() - t
                spent[code][1] += 1

        return wrapped

    for code, c in list(CATALOGUE.items()):
        CATALOGUE[code] = dataclasses.replace(
            c, fn=timed(c.fn, code), batch=timed(c.batch, code) if c.batch else None
        )


def run(backend: str, residents: int, awards: int, reuse: bool = False) -> None:
    _django.setup(backend, os.environ.get("BENCH_NAME", "assessment"), reuse=reuse)
    import bench_cockpit
    from django.utils import timezone

    from jiceng.assessment.services import run_compute
    from jiceng.bank.models import Transfer
    from jiceng.people.models import Person

    if reuse:
        world = bench_cockpit.world_find()
        residents = Person.objects.filter(district=world["district"]).count()
        awards = Transfer.objects.filter(district=world["district"], kind="award").count()
        common = {"backend": backend, "residents": residents, "awards": awards, "load": _django.load()}
    else:
        t = time.perf_counter()
        world = bench_cockpit.build(residents, awards)
        build_s = time.perf_counter() - t
        common = {"backend": backend, "residents": residents, "awards": awards, "load": _django.load()}
        _django.emit(label="build (bulk)", seconds=round(build_s, 1), **common)
    today = timezone.localdate()
    schemes = _schemes(world["district"], today.year)
    spent: dict[str, list] = defaultdict(lambda: [0.0, 0])
    _timed_catalogue(spent)
    total = 0.0
    for subject_type, scheme, codes in schemes:
        spent.clear()
        t = time.perf_counter()
        r = run_compute(scheme=scheme, period_start=dt.date(today.year, 1, 1), period_end=today)
        seconds = time.perf_counter() - t
        total += seconds
        _django.emit(
            label=f"run_compute: {subject_type} scheme with every catalogue indicator ({len(codes)}), the year so far",
            seconds=round(seconds, 2),
            subjects=r.scores.count(),
            **common,
        )
        slowest = sorted(spent.items(), key=lambda kv: -kv[1][0])[:5]
        _django.emit(
            label=f"slowest indicators of the {subject_type} run (seconds over every subject, calls)",
            indicators={code: [round(s, 2), n] for code, (s, n) in slowest},
            **common,
        )
    _django.emit(
        label="whole-district assessment: the subdistrict run and the community run",
        seconds=round(total, 2),
        **common,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("backend", nargs="?", choices=["sqlite", "postgresql"])
    parser.add_argument("--residents", type=int, default=20_000)
    parser.add_argument("--awards", type=int, default=20_000)
    parser.add_argument("--scale", action="store_true", help="1M residents, 20M award transfers")
    parser.add_argument("--all", action="store_true", help="SQLite, then PostgreSQL when it is there")
    parser.add_argument(
        "--reuse",
        action="store_true",
        help="run on the district a bench_cockpit.py run of the same BENCH_NAME left (built once at scale)",
    )
    args = parser.parse_args()
    if args.scale:
        args.residents, args.awards = 1_000_000, 20_000_000
    if args.backend:
        run(args.backend, args.residents, args.awards, args.reuse)
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
            *(["--reuse"] if args.reuse else []),
        ]
        subprocess.run(cmd, check=True)


if __name__ == "__main__":
    main()

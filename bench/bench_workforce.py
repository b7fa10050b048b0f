"""Career-system benchmarks: the monthly pay sheet of 5,000 community workers, and its .xlsx export.

One JSON line per figure, each with a label saying what it measures. Building the workers shows
progress on stderr. Usage: python bench/bench_workforce.py [sqlite|postgresql] [--workers N]
"""

import argparse
import datetime as dt
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402


def build(n: int):
    """n workers of one subdistrict (spread over its communities), with grade steps and qualifications."""
    from tqdm import tqdm

    from jiceng.demo import DEMO_DISTRICT, DEMO_SOURCE
    from jiceng.people.models import Person
    from jiceng.regions.models import Level, Region
    from jiceng.regions.services import regions_import_divisions
    from jiceng.workforce.models import Cause, CommunityWorker, GradeChange, Qualification

    regions_import_divisions(source=DEMO_SOURCE, district=DEMO_DISTRICT, progress=False)
    district = Region.objects.get(code=DEMO_DISTRICT)
    sub = Region.objects.filter(parent=district, level=Level.SUBDISTRICT).order_by("code").first()
    communities = list(Region.objects.filter(parent=sub, level=Level.COMMUNITY).order_by("code"))
    rng = random.Random(7)
    batch = 1000
    with tqdm(total=n, desc="建立社区工作者", file=sys.stderr, mininterval=0.5) as bar:
        for start in range(0, n, batch):
            size = min(batch, n - start)
            people = Person.objects.bulk_create(
                [
                    Person(
                        district=district,
                        community=communities[(start + i) % len(communities)],
                        name=f"社工{start + i}",
                        gender="F",
                    )
                    for i in range(size)
                ]
            )
            workers = CommunityWorker.objects.bulk_create(
                [
                    CommunityWorker(
                        district=district,
                        person=p,
                        community_id=p.community_id,
                        post=rng.choice(["head", "deputy", "other", "other", "other"]),
                        hired_on=dt.date(rng.randint(2008, 2024), rng.randint(1, 12), 1),
                    )
                    for p in people
                ]
            )
            GradeChange.objects.bulk_create(
                [
                    GradeChange(
                        district_id=w.district_id,
                        worker=w,
                        cause=Cause.SENIORITY,
                        delta=1,
                        grade_after=2,
                        effective_on=dt.date(y, 1, 1),
                        year=y - 1,
                    )
                    for w in workers
                    for y in range(w.hired_on.year + 3, 2026, 3)
                ]
            )
            Qualification.objects.bulk_create(
                [
                    Qualification(
                        district_id=w.district_id,
                        worker=w,
                        level=rng.choice(["junior", "intermediate", "senior"]),
                        cert_number="B1",
                        issued_on=dt.date(2020, 1, 1),
                    )
                    for w in workers
                    if rng.random() < 0.4
                ]
            )
            bar.update(size)
    return sub


def run(backend: str, n: int) -> None:
    _django.setup(backend, "workforce")
    from jiceng.core.sheets import workbook_bytes
    from jiceng.workforce import exports, services

    sub = build(n)
    t = time.perf_counter()
    sheet = services.pay_sheet_compute(actor=None, subdistrict=sub, year=2026, month=3)
    first = time.perf_counter() - t
    t = time.perf_counter()
    sheet = services.pay_sheet_compute(actor=None, subdistrict=sub, year=2026, month=3)
    again = time.perf_counter() - t
    rows = sheet.rows.count()
    assert rows == n, (rows, n)
    t = time.perf_counter()
    data = workbook_bytes(exports.pay_sheet_sheets(sheet))
    export = time.perf_counter() - t
    common = {"backend": backend, "workers": n, "load": _django.load()}
    _django.emit(
        label="monthly pay sheet computed and written (pay_sheet_compute, first time)",
        seconds=round(first, 3),
        **common,
    )
    _django.emit(
        label="the same draft computed again (old rows deleted, new rows written)",
        seconds=round(again, 3),
        **common,
    )
    _django.emit(
        label="pay sheet .xlsx built (merged title, rows, totals, signature lines)",
        seconds=round(export, 3),
        kilobytes=len(data) // 1024,
        **common,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("backend", nargs="?", default="sqlite", choices=["sqlite", "postgresql"])
    parser.add_argument("--workers", type=int, default=5000)
    args = parser.parse_args()
    if args.backend == "postgresql" and not _django.postgres_available():
        print("PostgreSQL is not running on 127.0.0.1:5432; skipped", file=sys.stderr)
        return
    run(args.backend, args.workers)


if __name__ == "__main__":
    main()

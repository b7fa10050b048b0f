"""Refreshing the cockpit's roll-up: one district and year in one transaction.

The large tables' figures per community code (`queries.board.community_figures`) and the service
circle's coverage of every region are computed and replace the previous refresh's rows in one
transaction, with a stamp saying when. The Moral Bank's award sums are incremental: every transfer
with an id at or below the stamp's mark is final (posted or voided: nothing is edited afterwards), so
its points were added to each row's `base` once and are never read again; a refresh adds the final
transfers between the old mark and the new one, and sums the few above the new mark (those after the
oldest pending one) anew. The new mark stops below the oldest pending transfer and below anything
created in the last `SETTLE_SECONDS`, so a transfer whose id was drawn but not yet committed is
never skipped.
"""

import datetime as dt
import time

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from jiceng.bank.models import Transfer, TransferState
from jiceng.cockpit.models import Rollup, RollupStamp
from jiceng.cockpit.queries.board import awards_by_community, community_figures
from jiceng.regions.models import Level, Region

SETTLE_SECONDS = 60


def _add(a: dict, b: dict) -> dict:
    """The sums of two award groups ({"awards": n, "issued_m": [12]})."""
    return {
        "awards": a.get("awards", 0) + b.get("awards", 0),
        "issued_m": [
            x + y for x, y in zip(a.get("issued_m", [0] * 12), b.get("issued_m", [0] * 12), strict=True)
        ],
    }


def _mark(district: Region, now: dt.datetime) -> int:
    """The highest transfer id below which every transfer is final and committed."""
    ids = Transfer.objects.filter(district=district)
    pending = ids.filter(state=TransferState.PENDING).aggregate(m=Min("id"))["m"]
    settled = ids.filter(created_at__lt=now - dt.timedelta(seconds=SETTLE_SECONDS)).aggregate(m=Max("id"))[
        "m"
    ]
    mark = settled or 0
    if pending is not None:
        mark = min(mark, pending - 1)
    return mark


def _circle(district: Region, regions: list[Region]):
    from jiceng.circle.queries.district import coverage_get
    from jiceng.circle.queries.figures import figures_get
    from jiceng.circle.queries.params import CircleParams

    cov = coverage_get(district, CircleParams())
    figures = {r.code: figures_get(cov, r) for r in regions}
    return cov, {code: (f.population, f.percentage) for code, f in figures.items()}


@transaction.atomic
def rollup_refresh(*, district: Region, today: dt.date | None = None) -> RollupStamp:
    """Recompute the cockpit's roll-up of `district` for the year of `today`, replacing the last one."""
    started = time.perf_counter()
    now = timezone.now()
    year = (today or timezone.localdate()).year
    old = RollupStamp.objects.select_for_update().filter(district=district, year=year).first()
    old_mark = old.transfer_mark if old is not None else 0
    mark = max(_mark(district, now), old_mark)
    base = {
        code: b for code, b in Rollup.objects.filter(district=district, year=year).values_list("code", "base")
    }
    for code, more in awards_by_community(district, year, above=old_mark, up_to=mark).items():
        base[code] = _add(base.get(code, {}), more)
    tail = awards_by_community(district, year, above=mark)
    awards = {code: _add(base.get(code, {}), tail.get(code, {})) for code in set(base) | set(tail)}
    awards = {code: a for code, a in awards.items() if a["awards"]}
    figures = community_figures(district, year, awards=awards)
    regions = list(Region.objects.filter(district.subtree_q(), is_active=True))
    cov, circle = _circle(district, regions)
    codes = set(figures) | {r.code for r in regions if r.level != Level.GRID} | set(base)
    Rollup.objects.filter(district=district, year=year).delete()
    Rollup.objects.bulk_create(
        [
            Rollup(
                district=district,
                year=year,
                code=code,
                figures=figures.get(code, {}),
                base=base.get(code, {}),
                circle_population=circle.get(code, (None, None))[0],
                circle_percentage=circle.get(code, (None, None))[1],
            )
            for code in sorted(codes)
        ],
        batch_size=1000,
    )
    values = {
        "computed_at": now,
        "transfer_mark": mark,
        "seconds": round(time.perf_counter() - started, 3),
        "circle_stand_in": bool(cov.points.stand_in),
        "circle_error": cov.error or "",
    }
    stamp, _created = RollupStamp.objects.update_or_create(district=district, year=year, defaults=values)
    return stamp


def rollup_refresh_all(*, today: dt.date | None = None) -> list[RollupStamp]:
    """Refresh every active district's roll-up, each in its own transaction."""
    return [
        rollup_refresh(district=d, today=today)
        for d in Region.objects.filter(level=Level.DISTRICT, is_active=True).order_by("code")
    ]

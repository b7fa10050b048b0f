"""The registry of computed indicators: one function per stable code.

Each computation counts records the product already keeps, for one subject and one period,
and returns the value together with the records behind it, as (model label, id) pairs.
`subjects` says which kinds of scheme may use it. A computation for "subdistrict" or
"community" takes the subject Region as its first argument; one declared
`subjects=("unit",)` takes the resident unit (an `orgs.Organization`) instead, and may be
used only by unit schemes (`indicator_add` refuses it elsewhere, and refuses region
computations in unit schemes). No computation may read page views, likes, log-ins or time spent
(`tests/test_catalogue_source.py` inspects this package's source for them).
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils import timezone

from jiceng.orgs.models import Organization
from jiceng.regions.models import Region


@dataclass
class Result:
    value: Decimal | None
    records: list[tuple[str, int]] = field(default_factory=list)


@dataclass(frozen=True)
class Computation:
    code: str
    name: str
    description: str  # exactly what it counts
    unit: str
    period: str
    subjects: tuple[str, ...]
    fn: Callable[[Region | Organization, dt.date, dt.date], Result]  # the subject, then the period
    # the scoring a new scheme suggests: rule, floor, target (linear) or base, per event
    suggest: dict = field(default_factory=dict)


CATALOGUE: dict[str, Computation] = {}


def computation(
    *, code, name, description, unit, period="考核年度", subjects=("subdistrict", "community"), **suggest
):
    def wrap(fn):
        if code in CATALOGUE:
            raise ValueError(f"duplicate indicator code {code}")
        CATALOGUE[code] = Computation(code, name, description, unit, period, tuple(subjects), fn, suggest)
        return fn

    return wrap


def window(start: dt.date, end: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """From the start of `start` to the start of the day after `end`, local time."""
    tz = timezone.get_current_timezone()
    return (
        dt.datetime.combine(start, dt.time.min, tzinfo=tz),
        dt.datetime.combine(end + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
    )


def share(part: int, whole: int) -> Decimal | None:
    """A percentage with one decimal, or None when there is nothing to divide by."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


def ids(label: str, rows) -> list[tuple[str, int]]:
    return [(label, pk) for pk in sorted(rows)]

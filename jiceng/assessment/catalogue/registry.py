"""The registry of computed indicators: one function per stable code.

Each computation counts records the product already keeps, for one subject and one period,
and returns the value together with the records behind it: a `RecordSet` of ids per model label,
which iterates as (model label, id) pairs, or, where they are a whole district's year of notices or
claims, a `Tally` of them with the query that lists them (`listing`).
`subjects` says which kinds of scheme may use it. A computation for "subdistrict" or
"community" takes the subject Region as its first argument; one declared
`subjects=("unit",)` takes the resident unit (an `orgs.Organization`) instead, and may be
used only by unit schemes (`indicator_add` refuses it elsewhere, and refuses region
computations in unit schemes). No computation may read page views, likes, log-ins or time spent
(`tests/test_catalogue_source.py` inspects this package's source for them).

A computation may also have a batch form (`@batch_of(code)`): the same indicator for a whole
list of subjects at once, `batch(subjects, start, end) -> {subject.pk: Result}`, reading the
district in one or a few grouped queries and adding up per subject in Python (`Subtrees`). A run
calls it once per indicator; the per-subject `fn` stays the definition, and
`tests/test_catalogue_batch.py` checks that both give exactly the same results.
"""

import contextlib
import dataclasses
import datetime as dt
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
from django.db import connection
from django.db.models import Count, F, Q, Sum, Value
from django.utils import timezone

from jiceng.assessment.records import MIX, MIX_MODULUS, RecordSet, Tally
from jiceng.orgs.models import Organization
from jiceng.regions.models import PREFIX_LEN, Level, Region, ancestor_code, subtree_q


@dataclass
class Result:
    value: Decimal | None
    records: RecordSet | Tally = field(default_factory=RecordSet)


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
    # the same for many subjects at once: (subjects, start, end) -> {subject.pk: Result}
    batch: Callable[[list, dt.date, dt.date], dict[int, Result]] | None = None
    # for a computation that tallies its records: (subject, start, end) -> the queryset of those records,
    # which the score page lists
    listing: Callable | None = None


CATALOGUE: dict[str, Computation] = {}


def computation(
    *,
    code,
    name,
    description,
    unit,
    period="考核年度",
    subjects=("subdistrict", "community"),
    listing=None,
    **suggest,
):
    """Register the decorated function as the computation `code`; `listing` for one that tallies its
    records: `listing(subject, start, end) -> QuerySet`, the very rows its `Tally` counts."""

    def wrap(fn):
        if code in CATALOGUE:
            raise ValueError(f"duplicate indicator code {code}")
        CATALOGUE[code] = Computation(
            code, name, description, unit, period, tuple(subjects), fn, suggest, listing=listing
        )
        return fn

    return wrap


def batch_of(code):
    """Register the decorated function as the batch form of the computation `code`."""

    def wrap(fn):
        c = CATALOGUE[code]
        if c.batch is not None:
            raise ValueError(f"duplicate batch form for {code}")
        CATALOGUE[code] = dataclasses.replace(c, batch=fn)
        return fn

    return wrap


class Subtrees:
    """Which of `subjects` (regions) hold each region of their districts, from one read of the regions.

    `within(path)` limits a queryset to the subjects' districts; `spread(rows)` hands each row
    (its last item the id of the row's region) to every subject whose subtree holds that region.
    """

    def __init__(self, subjects: list[Region]):
        self.subjects = subjects
        self.districts = sorted({s.district_code for s in subjects})
        by_code = {s.code: s for s in subjects}
        levels = {s.level for s in subjects}
        self.owners: dict[int, list[int]] = {}
        self.regions: dict[int, Region] = {}
        for r in Region.objects.filter(self.within()).only("pk", "code", "level", "is_active"):
            self.regions[r.pk] = r
            for level in levels:
                if PREFIX_LEN[r.level] < PREFIX_LEN[level]:
                    continue
                s = by_code.get(ancestor_code(r.code, level))
                if s is not None and s.contains(r):
                    self.owners.setdefault(r.pk, []).append(s.pk)

    def in_districts(self) -> Q:
        """Rows of a table that carries its district (the Moral Bank's): the subjects' districts by id.

        Cheaper than `within`'s join to the regions for a district's whole year, which SQLite's planner
        runs as a lookup per community; `spread` drops any row whose region no subject holds.
        """
        return Q(district_id__in=[r.pk for r in self.regions.values() if r.level == Level.DISTRICT])

    def within(self, path: str = "") -> Q:
        q = Q(pk__in=[])
        for code in self.districts:
            q |= subtree_q(code, Level.DISTRICT, path)
        return q

    def spread(self, rows) -> dict[int, list[tuple]]:
        out: dict[int, list[tuple]] = {s.pk: [] for s in self.subjects}
        for *row, region_id in rows:
            for pk in self.owners.get(region_id, ()):
                out[pk].append(tuple(row))
        return out

    def spread_arrays(self, region_ids: np.ndarray, *columns: np.ndarray) -> dict[int, list[np.ndarray]]:
        """`spread` for columns as arrays (`column_arrays`): each subject's slices of `columns`, the rows
        whose region (`region_ids`) its subtree holds, in one sort instead of a tuple per row."""
        order = np.argsort(region_ids, kind="stable")
        found, starts = np.unique(region_ids[order], return_index=True)
        bounds = [*starts.tolist(), len(order)]
        parts: dict[int, list[np.ndarray]] = {s.pk: [] for s in self.subjects}
        for n, region_id in enumerate(found.tolist()):
            for pk in self.owners.get(region_id, ()):
                parts[pk].append(order[bounds[n] : bounds[n + 1]])
        out = {}
        for pk, slices in parts.items():
            rows = np.sort(np.concatenate(slices)) if slices else np.zeros(0, dtype=np.int64)
            out[pk] = [column[rows] for column in columns]
        return out

    def communities(self, pk: int) -> set[int]:
        """The active communities in the subtree of the subject `pk`."""
        return {
            r.pk
            for r in self.regions.values()
            if r.level == Level.COMMUNITY and r.is_active and pk in self.owners.get(r.pk, ())
        }


def column_arrays(qs, dtypes: dict[str, type] | None = None, **fields) -> list[np.ndarray]:
    """The values of `fields` (name → field path or expression) over every row of `qs`, one NumPy array
    per field, NULL read as 0; integers unless `dtypes` names another type.

    The database joins each column into one string (`group_concat`, `string_agg`), so the rows never
    become Python objects: a district's year of award notices is millions of rows, and a tuple per row
    was most of an assessment run. The aggregates of one query read the same rows in the same order,
    so the arrays line up row by row.
    """
    return _joined(qs.order_by().values(**fields), list(fields), dtypes or {})


def _tally_sums() -> dict:
    """Count, Σ id and Σ mix(id) of a set of rows (`records.Tally`), as aggregates."""
    return {"n_": Count("pk"), "s_": Sum("pk"), "m_": Sum(F("pk") * Value(MIX) % Value(MIX_MODULUS))}


_shared: ContextVar[dict | None] = ContextVar("tallies_shared", default=None)


@contextlib.contextmanager
def tallies_shared():
    """Inside, `tallied` reads each grouping once: a run's indicators that group the same rows the same
    way (coverage and earners both group the settled awards by community and resident) share one read,
    so they also count the very same rows."""
    token = _shared.set({})
    try:
        yield
    finally:
        _shared.reset(token)


MAPPED_BYTES = 2_147_418_112  # SQLite's own cap on a mapping unless it was built with a larger one


@contextlib.contextmanager
def reads_mapped():
    """On SQLite, read the database file through a memory mapping (`PRAGMA mmap_size`) inside: a run
    reads a district's year of notices, claims and redemptions, and copying each page through a
    read call was a third of that time. Outside, the connection reads as before."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        before = cursor.execute("PRAGMA mmap_size").fetchone()[0]
        cursor.execute(f"PRAGMA mmap_size={MAPPED_BYTES}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA mmap_size={int(before)}")


def tallied(qs, **group) -> list[np.ndarray]:
    """The rows of `qs` grouped by `group` (name → field path or expression): each group's values, then
    its count, Σ id and Σ mix(id) (`records.Tally`), as arrays, one entry per group (fresh arrays: the
    caller may change them)."""
    grouped = qs.order_by().values(**group).annotate(**_tally_sums())
    names = [*group, "n_", "s_", "m_"]
    memo = _shared.get()
    if memo is None:
        return _joined(grouped, names, {})
    key = grouped.query.sql_with_params()
    if key not in memo:
        memo[key] = _joined(grouped, names, {})
    return [column.copy() for column in memo[key]]


def tally_of(qs, label: str) -> Tally:
    """The tally of every row of `qs` now, as the score page checks a stored one."""
    t = qs.order_by().aggregate(**_tally_sums())
    return Tally(label, t["n_"] or 0, t["s_"] or 0, t["m_"] or 0)


def _joined(values_qs, names: list[str], dtypes: dict[str, type]) -> list[np.ndarray]:
    inner, params = values_qs.query.sql_with_params()
    if connection.vendor == "postgresql":
        joined = [f"string_agg(COALESCE(q.{name}, 0)::text, ',')" for name in names]
    else:
        joined = [f"group_concat(COALESCE(q.{name}, 0), ',')" for name in names]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {', '.join(joined)} FROM ({inner}) q", params)
        texts = cursor.fetchone()
    out = []
    for name, text in zip(names, texts, strict=True):
        dtype = dtypes.get(name, np.int64)
        column = np.fromstring(text, dtype=dtype, sep=",") if text else np.zeros(0, dtype)
        if text and len(column) != text.count(",") + 1:
            raise ValueError(f"column {name} did not parse")
        out.append(column)
    if len({len(column) for column in out}) > 1:
        raise ValueError("columns of different lengths")
    return out


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


def ids(label: str, rows, *, unique: bool = False) -> RecordSet:
    """The records of one model: any iterable (or NumPy array) of its ids; `unique` when no id repeats
    (a primary key column), which saves finding the repeats in a district's year of rows."""
    return RecordSet.of(label, rows, unique=unique)

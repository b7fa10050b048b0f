"""Writing generated rows in bulk: COPY on PostgreSQL, executemany in big transactions on SQLite.

The generator hands out the ids itself (`Bulk.ids`), so that a row can name the rows it points to
before they are written, and sets each table's sequence past them at the end. Timestamps are
given as seconds since the epoch (UTC) and written as text in each database's own form.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor

from django.core.management.color import no_style
from django.db import connection, models

EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


class Bulk:
    """One writer per generation: the id counters of every table it wrote, and the vendor's way in."""

    def __init__(self) -> None:
        self.pg = connection.vendor == "postgresql"
        self.next: dict[type[models.Model], int] = {}
        self.written: dict[str, int] = {}
        self._days: dict[int, str] = {}

    def ids(self, model: type[models.Model], n: int) -> int:
        """Reserve `n` consecutive ids of `model`'s table; returns the first."""
        if model not in self.next:
            last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
            self.next[model] = (last or 0) + 1
        first = self.next[model]
        self.next[model] = first + n
        return first

    def ts(self, seconds: float | None) -> str | None:
        """A timestamp as the database stores it: UTC text, to the microsecond."""
        if seconds is None:
            return None
        whole = int(seconds)
        day, rest = divmod(whole, 86400)
        prefix = self._days.get(day)
        if prefix is None:
            prefix = self._days[day] = (EPOCH + dt.timedelta(days=day)).strftime("%Y-%m-%d")
        h, rest = divmod(rest, 3600)
        m, s = divmod(rest, 60)
        micro = int((seconds - whole) * 1e6)
        return f"{prefix} {h:02d}:{m:02d}:{s:02d}.{micro:06d}{'+00' if self.pg else ''}"

    def write(self, model: type[models.Model], fields: list[str], rows: Iterable[tuple]) -> int:
        """Write `rows` (values in the order of `fields`, model attribute names) into `model`'s table."""
        meta = model._meta
        extra = self._defaults(model, fields)
        if extra:
            fields = fields + list(extra)
            values = tuple(extra.values())
            rows = (row + values for row in rows)
        columns = ", ".join(connection.ops.quote_name(meta.get_field(f).column) for f in fields)
        table = connection.ops.quote_name(meta.db_table)
        n = 0
        with connection.cursor() as cursor:
            if self.pg:
                with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                        n += 1
            else:
                marks = ", ".join(["%s"] * len(fields))
                sql = f"INSERT INTO {table} ({columns}) VALUES ({marks})"
                batch: list[tuple] = []
                for row in rows:
                    batch.append(row)
                    if len(batch) == 20_000:
                        cursor.executemany(sql, batch)
                        n += len(batch)
                        batch = []
                if batch:
                    cursor.executemany(sql, batch)
                    n += len(batch)
        self.written[meta.label] = self.written.get(meta.label, 0) + n
        return n

    @staticmethod
    def _defaults(model: type[models.Model], fields: list[str]) -> dict[str, object]:
        """Constant values for the NOT NULL columns a caller left out: the field's default, or ""
        for text that may be blank (Django keeps defaults in Python, not in the table)."""
        extra = {}
        for f in model._meta.concrete_fields:
            if f.attname in fields or f.null or f.primary_key:
                continue
            if f.has_default() and not callable(f.default):
                extra[f.attname] = f.default
            elif f.blank and isinstance(f, models.CharField | models.TextField):
                extra[f.attname] = ""
            else:
                raise ValueError(f"{model._meta.label}.{f.name} 没有给出值，也没有默认值")
        return extra

    def finish(self) -> None:
        """Set every written table's id sequence past the ids handed out (PostgreSQL; SQLite follows by itself)."""
        if not self.pg or not self.next:
            return
        with connection.cursor() as cursor:
            for sql in connection.ops.sequence_reset_sql(no_style(), list(self.next)):
                cursor.execute(sql)


class Side:
    """A second connection, on a thread of its own, for work that runs beside the main connection's.

    The server runs each connection on a core of its own, so on PostgreSQL the generator writes one
    group of tables here while the main connection writes the other, and logs a month here while the
    next month is written. Django gives each thread its own connection; `setup` prepares it (the
    same session settings as the main one).
    """

    def __init__(self, setup: Callable[[], None]):
        self.pool = ThreadPoolExecutor(1, initializer=setup)

    def submit(self, fn: Callable, *args) -> Future:
        return self.pool.submit(fn, *args)

    def close(self) -> None:
        self.pool.submit(lambda: connection.close()).result()  # the thread's own connection
        self.pool.shutdown()


def indexes_drop(tables: list[str]) -> list[str]:
    """Drop the plain (not unique) indexes of `tables` and return the statements that make them again.

    Building an index once over sorted rows costs a fraction of keeping it up to date through tens
    of millions of inserts in random key order; unique indexes stay, so keys are still checked as
    the rows arrive.
    """
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()"
                " AND tablename = ANY(%s) AND indexdef NOT LIKE 'CREATE UNIQUE%%'",
                [tables],
            )
        else:
            marks = ", ".join(["%s"] * len(tables))
            cursor.execute(
                f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
                f" AND tbl_name IN ({marks}) AND sql NOT LIKE 'CREATE UNIQUE%%'",
                tables,
            )
        found = cursor.fetchall()
        for name, _sql in found:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    return [sql for _name, sql in found]


def indexes_create(statements: list[str], progress: bool = False) -> None:
    from tqdm import tqdm

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SET maintenance_work_mem = '512MB'")
        for sql in tqdm(statements, desc="重建索引", unit="个", disable=not progress, mininterval=1):
            cursor.execute(sql)

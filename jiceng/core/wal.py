"""SQLite's write-ahead log, copied back into the database file off the request path.

In WAL mode a commit only appends pages to the log; a *checkpoint* copies them into the
database file and syncs both to disk. SQLite would run one inside whichever commit finds the
log over `wal_autocheckpoint` pages, so a resident's request would now and then pay for
everyone's writes, and the syncs are most of a write's time on an ordinary disk. Instead
`jiceng worker` calls `wal_checkpoint` every `SQLITE_CHECKPOINT_SECONDS`, as SQLite's own
documentation suggests for applications that care about latency, and a connection checkpoints
by itself only at the backstop of `SQLITE_WAL_PAGES`. PASSIVE: it copies what no reader still
needs and never blocks a reader or a writer. PostgreSQL has its own checkpointer: nothing here.
"""

from django.db import connection


def wal_checkpoint() -> tuple[int, int, int] | None:
    """Copy the log's pages into the database file now: SQLite's (busy, log pages, copied pages),
    or None on a database that is not SQLite."""
    if connection.vendor != "sqlite":
        return None
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA wal_checkpoint(PASSIVE)")
        return tuple(cursor.fetchone())

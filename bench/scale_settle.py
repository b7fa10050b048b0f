"""`bank settle` of 10,000 notices ending at once, at scale: the real settle function, its checkpoint included.

Takes the 10,000 oldest open award notices of the generated district (no open objection), moves
their end to one second ago, and times `bank_settle()` (what `jiceng bank settle` runs each minute:
posting them under their locks, then the checkpoint of the newly final transfers). Budget: ≤ 10 s.
This changes the database: those notices are settled afterwards.

Usage: SQLITE_PATH=… or DATABASE_URL=… python bench/scale_settle.py [--n 10000]
"""

import argparse
import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _django  # noqa: E402
import _scale  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=10_000)
    args = parser.parse_args()
    common = _scale.attach()
    from django.utils import timezone

    from jiceng.bank.models import Notice, NoticeState, ObjectionState
    from jiceng.bank.services.settlement import bank_settle

    due = list(
        Notice.objects.filter(kind=Notice.Kind.AWARD, state=NoticeState.OPEN)
        .exclude(objections__state=ObjectionState.OPEN)
        .order_by("ends_at", "pk")
        .values_list("pk", flat=True)[: args.n]
    )
    now = timezone.now()
    Notice.objects.filter(pk__in=due).update(ends_at=now - dt.timedelta(seconds=1))
    t = time.perf_counter()
    settled = bank_settle(now=now)
    seconds = time.perf_counter() - t
    assert settled >= len(due), (settled, len(due))
    _django.emit(
        label=f"bank_settle() of {len(due):,} notices ending at once, with its checkpoint (budget ≤ 10 s for 10,000)",
        seconds=round(seconds, 2),
        settled=settled,
        **common,
    )


if __name__ == "__main__":
    main()

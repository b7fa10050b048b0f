"""Settling: posting every award whose notice period ended with no objection open or upheld.

Run by `jiceng bank settle` (cron-safe and idempotent); a new signed checkpoint of the
district's ledger follows whenever something was posted, and every other final transfer
enters the log within the bound the ledger promises.
"""

import datetime as dt

from django.utils import timezone

from jiceng.bank import ledger, log
from jiceng.bank.models import (
    ClaimState,
    DeedClaim,
    Notice,
    NoticeState,
    Objection,
    ObjectionState,
    TransferState,
)


def bank_settle(*, now: dt.datetime | None = None, checkpoint: bool = True) -> int:
    """Post every award whose notice ended with no objection open or upheld. Idempotent; cron-safe.

    Also keeps the transparency log's promise: every posted or voided transfer is in a
    signed checkpoint within `LEDGER_LOG_WITHIN_MINUTES` (cron runs this each minute).
    """
    now = now or timezone.now()
    due = list(
        Notice.objects.filter(kind=Notice.Kind.AWARD, state=NoticeState.OPEN, ends_at__lte=now)
        .exclude(objections__state=ObjectionState.OPEN)
        .values_list("id", "transfer_id", "district_id")
    )
    settled = 0
    for i in range(0, len(due), 500):
        settled += ledger.one_transaction(lambda chunk=due[i : i + 500]: _settle(chunk))
    if checkpoint:
        # Settled awards go into the log now; other final transfers once they have waited long enough.
        log.checkpoint_overdue(now=now, also={d for _n, _t, d in due} if settled else ())
    return settled


def _settle(chunk: list[tuple[int, int, int]]) -> int:
    """Post a chunk of due notices, deciding under the notice locks that `objection_file` takes.

    The list was read before any lock, so an objection may have committed since. The open
    objections are read again in a statement of their own after the lock is held: on
    PostgreSQL (read committed) a statement sees what committed before it began, and the
    locking statement began before the objector released the row.
    """
    notice_ids = set(
        Notice.objects.select_for_update()
        .filter(id__in=[n for n, _t, _d in chunk], state=NoticeState.OPEN)
        .values_list("id", flat=True)
    )
    notice_ids -= set(
        Objection.objects.filter(notice_id__in=notice_ids, state=ObjectionState.OPEN).values_list(
            "notice_id", flat=True
        )
    )
    transfer_ids = [t for n, t, _d in chunk if n in notice_ids]
    if not transfer_ids:
        return 0
    transfers = ledger.post_batch(transfer_ids)
    posted = {t.pk for t in transfers if t.state == TransferState.POSTED}
    ok = [n for n, t, _d in chunk if n in notice_ids and t in posted]
    Notice.objects.filter(id__in=ok).update(state=NoticeState.SETTLED)
    DeedClaim.objects.filter(notice__id__in=ok).update(state=ClaimState.CREDITED)
    return len(ok)

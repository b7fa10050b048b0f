"""Background imports: validate with visible progress, then write in one transaction."""

import threading

from django.db import close_old_connections
from django.utils import timezone

from jiceng.core.models import ImportJob


def start_job(job: ImportJob, work, *, background: bool = True) -> None:
    """Run `work(job, progress)` and record its outcome on the job.

    `work` returns a summary dict, or raises an exception carrying `.errors`
    (a rejected import) — anything else is recorded as a failure.
    """

    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job.pk).update(done=done, total=total)

    def run() -> None:
        try:
            summary = work(job, progress)
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.DONE, summary=summary, finished_at=timezone.now()
            )
        except Exception as exc:  # noqa: BLE001 - the job page must show every outcome
            errors = getattr(exc, "errors", None)
            ImportJob.objects.filter(pk=job.pk).update(
                status=ImportJob.Status.REJECTED if errors else ImportJob.Status.FAILED,
                errors=errors or [str(exc)],
                finished_at=timezone.now(),
            )
        finally:
            if background:
                close_old_connections()

    if background:
        threading.Thread(target=run, daemon=True, name=f"import-{job.pk}").start()
    else:
        run()

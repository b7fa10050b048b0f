"""Background imports: validate with visible progress, then write in one transaction."""

import threading

from django.db import close_old_connections
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core.models import ImportJob


def import_job_start(*, kind: str, filename: str, actor, region, work, background: bool = True) -> ImportJob:
    """Record an import job and run `work(job, progress)` for it; the one way any import starts.

    The job page polls the row for progress and shows the outcome: the summary, or
    every bad row when the file was refused.
    """
    job = ImportJob.objects.create(
        kind=kind, filename=filename, created_by=actor, region=region, stage=_("校验中")
    )
    start_job(job, work, background=background)
    return job


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

"""Background imports on the task queue: validate with visible progress, then write in one transaction.

`import_job_start` records the job (with the uploaded bytes) and enqueues
`import_job_run` on the django-tasks queue; the worker (`jiceng worker`) runs it.
Each app registers the function that does its kind of import with `runner_register`
in its `AppConfig.ready`.

A worker can die mid-job (a deploy, a crash, kill -9). Because an import writes in
one transaction at the end, nothing of the interrupted attempt is in the database;
`import_job_recover`, which the worker runs at start and every half minute, finds
running jobs whose progress stopped for `JOB_STALE_SECONDS` and enqueues them again,
up to `JOB_MAX_ATTEMPTS`, then marks them failed with a message that says so.
"""

import dataclasses
import datetime as dt
from collections.abc import Callable

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from jiceng.core.models import ImportJob

# kind → the app's import service: service(*, data, filename, scope_region, actor, progress) returns a
# summary (a dataclass or a dict), or raises an exception carrying `.errors` (every bad row) and writes nothing.
_RUNNERS: dict[str, Callable] = {}


# name → (seconds between runs, a function of no arguments that enqueues the work): `jiceng worker`
# calls each one every so many seconds, in a thread of its own.
_PERIODIC: dict[str, tuple[Callable[[], float], Callable[[], object]]] = {}


def periodic_register(name: str, every: Callable[[], float], enqueue: Callable[[], object]) -> None:
    """Have `jiceng worker` call `enqueue` every `every()` seconds (read each time, so a setting applies);
    apps call it from `AppConfig.ready`."""
    _PERIODIC[name] = (every, enqueue)


def periodic_list() -> dict[str, tuple[Callable[[], float], Callable[[], object]]]:
    return dict(_PERIODIC)


def runner_register(kind: str, service: Callable) -> None:
    """Name the service that runs imports of `kind`; apps call it from `AppConfig.ready`."""
    _RUNNERS[kind] = service


def import_job_start(*, kind: str, filename: str, actor, region, data: bytes) -> ImportJob:
    """Record an import job and put it on the queue; the one way any import starts."""
    if kind not in _RUNNERS:
        raise LookupError(f"no import runner registered for {kind!r}")
    job = ImportJob.objects.create(
        kind=kind, filename=filename, created_by=actor, region=region, stage=_("排队等待"), data=data
    )
    transaction.on_commit(lambda: import_job_run.enqueue(job.pk))
    return job


def _progress(job_id: int) -> Callable[[int, int], None]:
    def progress(done: int, total: int) -> None:
        ImportJob.objects.filter(pk=job_id).update(done=done, total=total, heartbeat_at=timezone.now())

    return progress


@task()
def import_job_run(job_id: int) -> str:
    """Run one attempt of an import job and record its outcome on the job."""
    job = ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.RUNNING).first()
    if job is None:
        return "skipped"
    # Claim this attempt; a duplicate of the same job on the queue finds it taken and stops.
    claimed = ImportJob.objects.filter(
        pk=job.pk, status=ImportJob.Status.RUNNING, attempts=job.attempts
    ).update(attempts=job.attempts + 1, heartbeat_at=timezone.now(), stage=_("校验中"), done=0)
    if not claimed:
        return "skipped"
    try:
        result = _RUNNERS[job.kind](
            data=bytes(job.data),
            filename=job.filename,
            scope_region=job.region,
            actor=job.created_by,
            progress=_progress(job.pk),
        )
        summary = dataclasses.asdict(result) if dataclasses.is_dataclass(result) else dict(result)
    except Exception as exc:  # noqa: BLE001 - the job page must show every outcome
        errors = getattr(exc, "errors", None)
        _finish(
            job, ImportJob.Status.REJECTED if errors else ImportJob.Status.FAILED, errors=errors or [str(exc)]
        )
        return "rejected" if errors else "failed"
    _finish(job, ImportJob.Status.DONE, summary=summary)
    return "done"


def _finish(job: ImportJob, status: str, *, summary=None, errors=None) -> None:
    ImportJob.objects.filter(pk=job.pk).update(
        status=status,
        summary=summary or {},
        errors=errors or [],
        finished_at=timezone.now(),
        stage="",
        # The file is not needed once the outcome is known; personal data is not kept longer than that.
        data=b"",
    )


def import_job_recover(*, now: dt.datetime | None = None) -> dict[str, int]:
    """Enqueue again the running jobs whose worker stopped giving progress; fail those out of attempts."""
    now = now or timezone.now()
    stale = now - dt.timedelta(seconds=settings.JOB_STALE_SECONDS)
    retried = failed = 0
    running = ImportJob.objects.filter(status=ImportJob.Status.RUNNING).filter(
        Q(heartbeat_at__lt=stale) | Q(heartbeat_at__isnull=True, created_at__lt=stale)
    )
    for job in running:
        if job.attempts >= settings.JOB_MAX_ATTEMPTS:
            _finish(
                job,
                ImportJob.Status.FAILED,
                errors=[
                    _("处理过程中断了 %(n)d 次（后台任务进程停止），没有写入任何数据。请稍后重新上传。")
                    % {"n": job.attempts}
                ],
            )
            failed += 1
            continue
        moved = ImportJob.objects.filter(
            pk=job.pk, attempts=job.attempts, heartbeat_at=job.heartbeat_at
        ).update(heartbeat_at=now, stage=_("中断后重试") if job.attempts else _("排队等待"), done=0)
        if moved:
            import_job_run.enqueue(job.pk)
            retried += 1
    return {"retried": retried, "failed": failed}

"""The task-queue worker: imports survive a worker killed in the middle of a job."""

import datetime as dt
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.utils import timezone

from jiceng.core.jobs import import_job_recover, import_job_start
from jiceng.core.models import ImportJob
from jiceng.core.testing import subprocess_env
from jiceng.people.models import Person

ROOT = Path(__file__).resolve().parents[3]
DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
HEADER = "姓名,性别,出生日期,手机号,身份证号,社区代码,户号,住址,党员来源,所在党支部,入党日期"


def people_file(code: str, n: int) -> bytes:
    rows = [f"居民{i},{'男' if i % 2 else '女'},,,,{code},{i // 3}-1-101,一号楼,,," for i in range(n)]
    return ("\n".join([HEADER, *rows]) + "\n").encode()


def start_worker(**env):
    return subprocess.Popen(
        [sys.executable, "-m", "jiceng.cli", "worker", "--interval", "0.1"],
        cwd=ROOT,
        env=subprocess_env(JOB_STALE_SECONDS="1", JOB_RECOVER_SECONDS="1", **env),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def wait_for(predicate, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.02)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_nothing_and_the_job_runs_again(personas, regions, settings):
    settings.TASKS = DB_TASKS
    n = 20_000
    job = import_job_start(
        kind="people",
        filename="big.csv",
        actor=personas["worker"],
        region=regions["A1"],
        data=people_file(regions["A1"].code, n),
    )
    before = Person.objects.count()
    worker = start_worker()
    try:
        # Kill -9 once the worker is visibly inside the job.
        wait_for(lambda: ImportJob.objects.filter(pk=job.pk, done__gt=0).exists(), 120, "progress")
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
    job.refresh_from_db()
    assert worker.returncode == -9 and job.status == ImportJob.Status.RUNNING and job.attempts == 1
    assert Person.objects.count() == before  # nothing of the interrupted attempt was written

    # A new worker finds the stalled job, runs it again from the stored file, and finishes it.
    worker = start_worker()
    try:
        wait_for(
            lambda: ImportJob.objects.filter(pk=job.pk).exclude(status=ImportJob.Status.RUNNING).exists(),
            180,
            "the retried job",
        )
    finally:
        worker.terminate()
        output = worker.communicate(timeout=30)[0]
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, (job.errors, output)
    assert job.attempts == 2 and job.summary["created"] == n and job.data == b""
    assert Person.objects.count() == before + n


@pytest.mark.django_db
def test_a_job_out_of_attempts_is_marked_failed_with_a_reason(personas, regions, settings):
    settings.TASKS = DB_TASKS
    job = import_job_start(
        kind="people", filename="p.csv", actor=personas["worker"], region=regions["A1"], data=b"x"
    )
    old = timezone.now() - dt.timedelta(seconds=settings.JOB_STALE_SECONDS + 5)
    ImportJob.objects.filter(pk=job.pk).update(attempts=settings.JOB_MAX_ATTEMPTS, heartbeat_at=old)
    fresh = import_job_start(
        kind="people", filename="q.csv", actor=personas["worker"], region=regions["A1"], data=b"y"
    )
    ImportJob.objects.filter(pk=fresh.pk).update(attempts=1, heartbeat_at=timezone.now())

    assert import_job_recover() == {"retried": 0, "failed": 1}
    job.refresh_from_db()
    fresh.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and "没有写入任何数据" in job.errors[0] and job.data == b""
    assert fresh.status == ImportJob.Status.RUNNING  # still giving progress: left alone


def test_an_unknown_import_kind_is_refused(personas, regions):
    with pytest.raises(LookupError):
        import_job_start(
            kind="cats", filename="c.csv", actor=personas["worker"], region=regions["A1"], data=b""
        )
    assert not ImportJob.objects.exists()

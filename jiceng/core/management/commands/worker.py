"""`jiceng worker`: the task-queue worker that runs beside the web server.

It is django-tasks-db's worker, plus the one thing a crashed worker leaves behind:
running import jobs whose progress stopped are enqueued again (or failed, when out
of attempts) at start and every `JOB_RECOVER_SECONDS`; and the periodic work apps
register with `core.jobs.periodic_register` (the cockpit's roll-up) is enqueued at
start and then every so many seconds, each in a thread of its own.
"""

import logging
import os
import socket
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import close_old_connections
from django_tasks_db.management.commands.db_worker import Worker

from jiceng.core.jobs import import_job_recover, periodic_list

log = logging.getLogger(__name__)


def _recover_forever(stop: threading.Event) -> None:
    while not stop.wait(settings.JOB_RECOVER_SECONDS):
        try:
            import_job_recover()
        finally:
            close_old_connections()


def _periodic_forever(stop: threading.Event, name: str, every, enqueue) -> None:
    while True:
        try:
            enqueue()
        except Exception:  # noqa: BLE001 - a failed enqueue is retried at the next tick
            log.exception("periodic task %s could not be enqueued", name)
        finally:
            close_old_connections()
        if stop.wait(every()):
            return


class Command(BaseCommand):
    help = "运行后台任务进程（导入、覆盖率计算等），与网页服务并行运行"

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="没有任务时，每隔多少秒查看一次队列")
        parser.add_argument("--batch", action="store_true", help="队列为空时退出（用于测试和一次性运行）")

    def handle(self, *args, **opts):
        result = import_job_recover()
        if any(result.values()):
            self.stdout.write(f"中断的导入：重新排队 {result['retried']} 个，标记失败 {result['failed']} 个")
        stop = threading.Event()
        threading.Thread(target=_recover_forever, args=(stop,), daemon=True, name="job-recover").start()
        for name, (every, enqueue) in periodic_list().items():
            threading.Thread(
                target=_periodic_forever, args=(stop, name, every, enqueue), daemon=True, name=name
            ).start()
        worker = Worker(
            queue_names=["default"],
            interval=opts["interval"],
            batch=opts["batch"],
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id=f"{socket.gethostname()}-{os.getpid()}"[:64],
            excluded_queue_names=[],
        )
        worker.configure_signals()
        try:
            worker.run()
        finally:
            stop.set()

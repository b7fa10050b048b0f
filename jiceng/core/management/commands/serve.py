"""`jiceng serve`: gunicorn and the task-queue worker together, the way production runs them.

`make run` uses it to serve the demo on a fresh machine. Ctrl-C (or SIGTERM) stops
both; if either stops by itself, the other is stopped too and the command fails, so a
broken start is never half-running.
"""

import signal
import subprocess
import sys
import time

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "在本机提供服务：gunicorn 网页服务和后台任务进程一起启动，Ctrl-C 一起停止"

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2, help="gunicorn 网页进程数")

    def handle(self, *args, **opts):
        if not 0 < opts["port"] < 65536:
            raise CommandError("端口必须在 1 到 65535 之间")
        if not 0 < opts["workers"] <= 64:
            raise CommandError("网页进程数必须在 1 到 64 之间")
        web = [
            sys.executable, "-m", "gunicorn", "jiceng.wsgi",
            "--bind", f"{opts['host']}:{opts['port']}",
            "--workers", str(opts["workers"]),
            "--access-logfile", "-",
        ]  # fmt: skip
        worker = [sys.executable, "-m", "jiceng.cli", "worker"]
        procs = [subprocess.Popen(web), subprocess.Popen(worker)]
        stopping = False

        def stop(signum, frame):
            nonlocal stopping
            stopping = True

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        try:
            while not stopping and all(p.poll() is None for p in procs):
                time.sleep(0.5)
        finally:
            for p in procs:
                if p.poll() is None:
                    p.terminate()
            for p in procs:
                try:
                    p.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    p.kill()
        if not stopping:
            raise CommandError("网页服务或后台任务进程意外停止，请查看上面的日志")

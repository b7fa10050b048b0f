"""`jiceng backup FILE`: a consistent backup of the whole database while it keeps serving."""

import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from tqdm import tqdm

from jiceng.core.backup import BackupError, database_backup


class ProgressBar:
    """A (done, total) callback that draws a tqdm bar on stderr, opened at the first call,
    so a refusal before any work prints no empty bar."""

    def __init__(self, desc: str, unit: str):
        self.desc, self.unit, self.bar = desc, unit, None

    def __call__(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = tqdm(
                desc=self.desc,
                unit=self.unit,
                unit_scale=self.unit == "B",
                file=sys.stderr,
                disable=settings.TESTING,
            )
        self.bar.total = total
        self.bar.update(done - self.bar.n)  # redrawn at tqdm's own pace, not on every call

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def with_progress(desc: str, unit: str, work):
    """`work(progress)` with a progress bar; a refusal becomes the command's error, in its words."""
    bar = ProgressBar(desc, unit)
    try:
        return work(bar)
    except BackupError as exc:
        raise CommandError(str(exc)) from None
    finally:
        bar.close()


class Command(BaseCommand):
    help = "备份整个数据库到一个文件（PostgreSQL 用 pg_dump -Fc，SQLite 用在线备份），备份时服务照常运行"
    # A backup must work when the configuration is broken: that is when it is needed most.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="备份文件的路径，例如 /var/backups/jiceng/jiceng-20250101.dump")
        parser.add_argument("--force", action="store_true", help="备份文件已存在时覆盖它")

    def handle(self, *args, file, force, **opts):
        figures = with_progress(
            _("备份数据库"), "B", lambda bar: database_backup(file, force=force, progress=bar)
        )
        self.stdout.write(
            _("备份完成：%(file)s（%(kind)s，%(tables)d 张表，%(mb).1f MB，用时 %(s).1f 秒）")
            % {
                "file": file,
                "kind": figures["format"],
                "tables": figures["tables"],
                "mb": figures["bytes"] / 1e6,
                "s": figures["seconds"],
            }
        )

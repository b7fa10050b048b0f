"""`jiceng restore FILE`: restore a `jiceng backup` file into the configured (empty) database."""

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils.translation import gettext as _

from jiceng.core.backup import POSTGRESQL, database_restore
from jiceng.core.management.commands.backup import with_progress


class Command(BaseCommand):
    help = "把 jiceng backup 的备份文件恢复到当前配置的数据库；目标库须为空，除非加 --clean"
    # The checks read the database, which is empty (or about to be replaced) before a restore.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", help="jiceng backup 生成的备份文件")
        parser.add_argument(
            "--clean",
            action="store_true",
            help="目标数据库已有数据时，用备份替换它们（先停止网页服务和后台任务进程）",
        )

    def handle(self, *args, file, clean, **opts):
        # pg_restore works through the archive's entries; SQLite copies pages.
        unit = _("项") if connection.vendor == POSTGRESQL else "B"
        figures = with_progress(
            _("恢复数据库"), unit, lambda bar: database_restore(file, clean=clean, progress=bar)
        )
        if figures["format"] == POSTGRESQL:
            what = _("%(n)d 个对象") % {"n": figures["entries"]}
        else:
            what = _("%(n)d 张表") % {"n": figures["tables"]}
        self.stdout.write(
            _(
                "恢复完成：%(file)s（%(what)s，用时 %(s).1f 秒）。如果备份来自较早的版本，请再运行 jiceng migrate"
            )
            % {"file": file, "what": what, "s": figures["seconds"]}
        )

"""`jiceng citus-script`: print the SQL that moves this PostgreSQL database onto Citus, by district.

The tables and their keys are read from the models and the database (`jiceng.core.citus`); see
docs/deploy.md "按区分布（Citus）" for when and how to run it.
"""

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils.translation import gettext as _

from jiceng.core import citus


class Command(BaseCommand):
    help = _("输出把本 PostgreSQL 数据库按区分布到 Citus 的 SQL 脚本（只输出，不执行）")

    def handle(self, *args, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                _("Citus 是 PostgreSQL 的扩展：请把 DATABASE_URL 指向已迁移的 PostgreSQL 数据库后再运行")
            )
        self.stdout.write("-- " + _("在 Citus 协调节点上一次执行：psql -1 -v ON_ERROR_STOP=1 -f 本文件"))
        for statement in citus.move_script(connection):
            self.stdout.write(statement)

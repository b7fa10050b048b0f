import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from jiceng.people.services import COLUMNS, ImportRejected, people_import
from jiceng.regions.models import Region


class Command(BaseCommand):
    help = "从 .xlsx 或 .csv 导入居民；有任何一行不合格则整个文件都不写入"

    def add_arguments(self, parser):
        parser.add_argument("file", help=f"居民花名册，列名：{'、'.join(COLUMNS)}")
        parser.add_argument("--region", required=True, help="导入范围：区、街道或社区的 12 位代码")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, file, region, no_progress, **opts):
        scope = Region.objects.filter(code=region).first()
        if scope is None:
            raise CommandError(f"找不到区划 {region}")
        path = Path(file)
        if not path.exists():
            raise CommandError(f"找不到文件 {file}")
        bar = tqdm(desc="校验", unit="行", file=sys.stderr, disable=no_progress)

        def progress(done, total):
            bar.total = total
            bar.n = done
            bar.refresh()

        try:
            summary = people_import(
                data=path.read_bytes(), filename=path.name, scope_region=scope, actor=None, progress=progress
            )
        except ImportRejected as exc:
            bar.close()
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(str(exc)) from None
        bar.close()
        self.stdout.write(
            f"导入成功：新增 {summary.created} 人，更新 {summary.updated} 人，新建 {summary.households} 户，"
            f"党员 {summary.party_members} 人"
        )

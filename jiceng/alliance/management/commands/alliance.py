"""`jiceng alliance ...`: scheduled jobs of the regional alliance.

jiceng alliance propose-symposia [--date YYYY-MM-DD]
    Propose the next bimonthly symposium of every alliance that has none in the coming
    two months. Idempotent: run it daily from cron.
jiceng alliance overdue
    List the actions past their due date, for a reminder mail or a report.
"""

import datetime as dt

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from jiceng.alliance.models import Action
from jiceng.alliance.services import symposia_propose


class Command(BaseCommand):
    help = "区域党建联盟：自动拟定双月座谈会、列出逾期任务"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")
        propose = sub.add_parser(
            "propose-symposia", help="为未来两个月内没有座谈会的联盟拟定下一次双月座谈会"
        )
        propose.add_argument("--date", help="按这一天计算（默认今天），格式 YYYY-MM-DD")
        sub.add_parser("overdue", help="列出已过完成时限仍未办结的任务")

    def handle(self, *args, **options):
        if options["action"] == "propose-symposia":
            now = timezone.now()
            if options.get("date"):
                try:
                    day = dt.date.fromisoformat(options["date"])
                except ValueError:
                    raise CommandError("日期格式应为 YYYY-MM-DD") from None
                now = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 0)))
            created = symposia_propose(now=now)
            for m in created:
                local = timezone.localtime(m.scheduled_at)
                self.stdout.write(f"已拟定：{m.alliance.name} {m.title} {local:%Y-%m-%d %H:%M}")
            self.stdout.write(f"共拟定 {len(created)} 次双月座谈会。")
        else:
            rows = Action.objects.overdue().select_related("alliance", "owner").order_by("due_on")
            for a in rows:
                self.stdout.write(f"逾期\t{a.due_on}\t{a.alliance.name}\t{a.owner.name}\t{a.title}")
            self.stdout.write(f"共 {rows.count()} 项逾期任务。")

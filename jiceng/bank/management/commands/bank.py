from django.core.management.base import BaseCommand

from jiceng.bank.services.claims import bank_settle


class Command(BaseCommand):
    help = "道德银行：settle 将公示期满且无成立异议的积分入账（可每分钟由 cron 执行）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser("settle", help="入账公示期满的积分，并签发新的账本检查点")

    def handle(self, *args, action, **opts):
        if action == "settle":
            n = bank_settle()
            self.stdout.write(f"已入账 {n} 笔公示期满的积分")

from django.core.management.base import BaseCommand

from jiceng.bank.services.rewards import redemptions_expire
from jiceng.bank.services.settlement import bank_settle


class Command(BaseCommand):
    help = "道德银行：settle 入账公示期满的积分；expire-vouchers 退回过期兑换券的积分（都可由 cron 反复执行）"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        sub.add_parser(
            "settle",
            help="入账公示期满且无成立异议的积分；终态流水等待过久时追加透明日志并签发检查点（cron 每分钟执行）",
        )
        sub.add_parser("expire-vouchers", help="关闭已过期的兑换券，积分退回居民")

    def handle(self, *args, action, **opts):
        if action == "settle":
            self.stdout.write(f"已入账 {bank_settle()} 笔公示期满的积分")
        elif action == "expire-vouchers":
            self.stdout.write(f"已关闭 {redemptions_expire()} 张过期兑换券，积分已退回")

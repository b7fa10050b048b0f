import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from jiceng.bank import log
from jiceng.bank.verify import verify_district
from jiceng.regions.models import Level, Region


class Command(BaseCommand):
    help = "道德银行账本：verify 校验余额与透明日志；checkpoint 追加日志并签发检查点"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        v = sub.add_parser(
            "verify",
            help="由流水重算全部余额，核对发行与持有、捐赠兑换公示与流水、透明日志与流水、检查点与日志",
        )
        v.add_argument("--district", help="区代码（默认为全部区）")
        c = sub.add_parser("checkpoint", help="把新的终态流水追加进透明日志，并签发检查点")
        c.add_argument("--district", help="区代码（默认为全部区）")
        sub.add_parser("key", help="显示检查点的验证公钥")

    def _districts(self, code):
        qs = Region.objects.filter(level=Level.DISTRICT)
        if code:
            qs = qs.filter(code=code.ljust(12, "0"))
            if not qs.exists():
                raise CommandError(f"找不到区 {code}")
        return list(qs)

    def handle(self, *args, action, **opts):
        if action == "key":
            self.stdout.write(log.verifier_key())
            return
        districts = self._districts(opts.get("district"))
        if action == "checkpoint":
            for d in districts:
                bar = tqdm(desc=f"{d.name} 追加日志", unit="条", file=sys.stderr, disable=settings.TESTING)

                def progress(done, total, bar=bar):
                    bar.total = total
                    bar.n = done
                    bar.refresh()

                cp = log.checkpoint(d, progress=progress)
                bar.close()
                self.stdout.write(f"{d.name}：检查点 {cp.size} 条，根哈希 {cp.root_hex}")
            return
        failed = False
        for d in districts:
            problems, figures = verify_district(d, progress=lambda m: self.stderr.write(f"… {m}"))
            summary = (
                f"{d.name}：账户 {figures['accounts']} 个，流水 {figures['transfers']} 笔，日志 {figures['leaves']} 条，"
                f"检查点 {figures['checkpoints']} 个，待记入日志 {figures['awaiting_checkpoint']} 笔"
            )
            if problems:
                failed = True
                self.stdout.write(f"校验失败 / FAILED — {summary}")
                for p in problems:
                    self.stdout.write(f"  ✗ {p}")
            else:
                self.stdout.write(f"校验通过 / OK — {summary}")
        if failed:
            raise CommandError("账本校验未通过，详见上方列出的每一处不一致")

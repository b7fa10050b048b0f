import sys

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from jiceng.bank import log
from jiceng.bank.verify import verify_district
from jiceng.regions.models import Level, Region


class Command(BaseCommand):
    help = "道德银行账本：verify 校验余额与透明日志；checkpoint 追加日志并签发检查点；nodes 重建日志树节点"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True)
        v = sub.add_parser(
            "verify",
            help="核对余额与流水、发行与持有、捐赠兑换公示与流水、透明日志与流水、检查点与日志；"
            "默认从上次通过的核验处增量进行",
        )
        v.add_argument("--district", help="区代码（默认为全部区）")
        v.add_argument(
            "--full",
            action="store_true",
            help="全量核验：由全部流水重算，并重新核对全部日志叶子、树节点与检查点",
        )
        c = sub.add_parser("checkpoint", help="把新的终态流水追加进透明日志，并签发检查点")
        c.add_argument("--district", help="区代码（默认为全部区）")
        n = sub.add_parser("nodes", help="由日志叶子重建日志树的存储节点（核验报告树节点不一致时使用）")
        n.add_argument("--district", help="区代码（默认为全部区）")
        sub.add_parser("key", help="显示检查点的验证公钥")

    def _districts(self, code):
        qs = Region.objects.filter(level=Level.DISTRICT)
        if code:
            qs = qs.filter(code=code.ljust(12, "0"))
            if not qs.exists():
                raise CommandError(f"找不到区 {code}")
        return list(qs)

    def _bar(self, desc):
        bar = tqdm(desc=desc, unit="条", file=sys.stderr, disable=settings.TESTING)

        def progress(done, total):
            bar.total = total
            bar.n = done
            bar.refresh()

        return bar, progress

    def handle(self, *args, action, **opts):
        if action == "key":
            self.stdout.write(log.verifier_key())
            return
        districts = self._districts(opts.get("district"))
        if action == "checkpoint":
            for d in districts:
                bar, progress = self._bar(f"{d.name} 追加日志")
                cp = log.checkpoint(d, progress=progress)
                bar.close()
                self.stdout.write(f"{d.name}：检查点 {cp.size} 条，根哈希 {cp.root_hex}")
            return
        if action == "nodes":
            for d in districts:
                bar, progress = self._bar(f"{d.name} 重建树节点")
                made = log.rebuild_nodes(d, progress=progress)
                bar.close()
                self.stdout.write(f"{d.name}：已由日志叶子重建 {made} 个树节点")
            return
        failed = False
        for d in districts:
            problems, f = verify_district(
                d, progress=lambda m: self.stderr.write(f"… {m}"), full=opts["full"]
            )
            if f.get("mode") == "incremental":
                summary = (
                    f"{d.name}（增量，自日志第 {f['since_size']} 条起）：账户 {f['accounts']} 个，"
                    f"重读流水 {f['transfers']} 笔，新日志 {f['new_leaves']} 条（共 {f['leaves']} 条），"
                    f"新检查点 {f['checkpoints']} 个，待记入日志 {f['awaiting_checkpoint']} 笔"
                )
            elif f:
                summary = (
                    f"{d.name}（全量）：账户 {f['accounts']} 个，流水 {f['transfers']} 笔，日志 {f['leaves']} 条，"
                    f"检查点 {f['checkpoints']} 个，待记入日志 {f['awaiting_checkpoint']} 笔"
                )
            else:
                summary = f"{d.name}（增量）"
            if problems:
                failed = True
                self.stdout.write(f"校验失败 / FAILED — {summary}")
                for p in problems:
                    self.stdout.write(f"  ✗ {p}")
            else:
                self.stdout.write(f"校验通过 / OK — {summary}")
        if failed:
            raise CommandError("账本校验未通过，详见上方列出的每一处不一致")

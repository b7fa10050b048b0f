"""`jiceng circle ...`: the 15-minute service circle from the command line.

jiceng circle import-network FILE.osm.pbf [--district CODE]
jiceng circle import-places FILE.xlsx|csv [--district CODE]
jiceng circle import-points FILE.xlsx|csv [--district CODE]
jiceng circle coverage [--limit M | --minutes N [--speed S]] [--kinds K,..] [--open-at HH:MM]
jiceng circle recommend --k N [--candidates FILE] [same filters]
"""

import argparse
import datetime as dt
import math
import sys
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from jiceng.circle import services
from jiceng.circle.coverage import DEFAULT_WALK_SPEED_M_PER_MIN, limit_from_minutes
from jiceng.circle.models import PlaceKind
from jiceng.circle.queries.district import coverage_get
from jiceng.circle.queries.figures import figures_get, figures_list_tree, point_list_uncovered
from jiceng.circle.queries.params import CircleParams
from jiceng.circle.queries.sites import site_recommend
from jiceng.circle.tables import read_candidates
from jiceng.core.validators import ascii_normalize
from jiceng.regions.models import Level, Region, ancestor_code


def _pct(value) -> str:
    return "—" if value is None else f"{value:.1f}%"


def _num(value) -> str:
    return "—" if value is None else f"{value:,.0f}"


def bounded(what: str, low: float, high: float, unit: str, *, integer: bool = False):
    """An argparse type: a number from `low` to `high`, else a Chinese message saying what is allowed."""

    def parse(text: str):
        try:
            value = int(ascii_normalize(text)) if integer else float(ascii_normalize(text))
        except ValueError:
            kind = _("整数") if integer else _("数字")
            raise argparse.ArgumentTypeError(
                _("%(w)s应为%(k)s，而不是“%(v)s”") % {"w": what, "k": kind, "v": text}
            ) from None
        if not (math.isfinite(value) and low <= value <= high):
            raise argparse.ArgumentTypeError(
                _("%(w)s应在 %(lo)s～%(hi)s %(u)s之间，而不是 %(v)s")
                % {"w": what, "lo": f"{low:g}", "hi": f"{high:g}", "u": unit, "v": text}
            )
        return value

    parse.__name__ = str(what)  # argparse names the type in its own messages
    return parse


class Command(BaseCommand):
    help = "一刻钟党建服务圈：导入路网、服务阵地和居民点，计算覆盖率，推荐新阵地选址"

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="action", required=True, metavar="ACTION")

        def with_district(p):
            p.add_argument("--district", help="区的统计用区划代码（6 位或 12 位，默认为 DISTRICT_CODE 设置）")
            return p

        def with_filters(p):
            with_district(p)
            p.add_argument("--region", help="只统计这个街道或社区（区划代码）")
            p.add_argument(
                "--limit",
                type=bounded(_("步行距离"), 50, 20_000, _("米")),
                help="步行距离上限（米），默认 1000",
            )
            p.add_argument(
                "--minutes", type=bounded(_("步行时间"), 1, 120, _("分钟")), help="改用步行时间（分钟）"
            )
            p.add_argument(
                "--speed",
                type=bounded(_("步速"), 20, 150, _("米/分钟")),
                help=f"步速（米/分钟），默认 {DEFAULT_WALK_SPEED_M_PER_MIN:.1f}",
            )
            p.add_argument("--kinds", help="只计入这些类型，逗号分隔：" + ",".join(PlaceKind.values))
            p.add_argument("--open-at", dest="open_at", help="只计入此时开放的阵地，如 20:30")
            return p

        net = with_district(sub.add_parser("import-network", help="从 OpenStreetMap .osm.pbf 导入步行路网"))
        net.add_argument("file")
        net.add_argument("--name", default="", help="路网名称（默认为文件名）")
        net.add_argument("--no-progress", action="store_true", help="不显示进度条")
        for action, what in (("import-places", "服务阵地"), ("import-points", "居民点")):
            p = with_district(sub.add_parser(action, help=f"从 .xlsx/.csv 导入{what}"))
            p.add_argument("file")
            p.add_argument("--no-progress", action="store_true", help="不显示进度条")
        cov = with_filters(sub.add_parser("coverage", help="计算覆盖率"))
        cov.add_argument(
            "--uncovered",
            type=bounded(_("未覆盖居民点个数"), 0, 10_000, _("个"), integer=True),
            default=0,
            metavar="N",
            help="同时列出人口最多的 N 个未覆盖居民点",
        )
        rec = with_filters(sub.add_parser("recommend", help="贪心推荐新阵地选址"))
        rec.add_argument(
            "--k", type=bounded(_("推荐处数"), 1, 1000, _("处"), integer=True), required=True, help="推荐几处"
        )
        rec.add_argument(
            "--candidates", help="候选地点表（.xlsx/.csv，列：名称、经度、纬度）；默认在全部路网节点中选"
        )
        rec.add_argument("--no-progress", action="store_true", help="不显示进度条")

    def handle(self, *args, **opts):
        action = opts["action"].replace("-", "_")
        return getattr(self, f"do_{action}")(opts)

    # ------------------------------------------------------------------ helpers

    def _district(self, opts) -> Region:
        code = (opts.get("district") or settings.DISTRICT_CODE).strip()
        if len(code) == 6:
            code = ancestor_code(code, Level.DISTRICT)
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise CommandError(
                _("区划 %(c)s 不存在，请先导入区划代码（jiceng import-divisions）") % {"c": code}
            )
        if region.level != Level.DISTRICT:
            raise CommandError(_("%(n)s（%(c)s）不是区（县）级区划") % {"n": region.name, "c": code})
        return region

    def _params(self, opts) -> CircleParams:
        kinds = tuple(sorted(k.strip() for k in (opts.get("kinds") or "").split(",") if k.strip()))
        bad = [k for k in kinds if k not in PlaceKind.values]
        if bad:
            raise CommandError(
                _("未知的阵地类型：%(b)s；可选：%(k)s")
                % {"b": ", ".join(bad), "k": ", ".join(PlaceKind.values)}
            )
        open_at = None
        if opts.get("open_at"):
            try:
                open_at = dt.datetime.strptime(opts["open_at"], "%H:%M").time()
            except ValueError:
                raise CommandError(
                    _("--open-at 应写成 20:30 这样的时间，而不是 %(v)s") % {"v": opts["open_at"]}
                ) from None
        try:
            if opts.get("minutes") is not None:
                speed = DEFAULT_WALK_SPEED_M_PER_MIN if opts.get("speed") is None else opts["speed"]
                return CircleParams(
                    limit_m=limit_from_minutes(opts["minutes"], speed),
                    kinds=kinds,
                    open_at=open_at,
                    minutes=opts["minutes"],
                    speed_m_per_min=speed,
                )
            limit = 1000.0 if opts.get("limit") is None else opts["limit"]
            if not 0 < limit <= 20_000:
                raise ValueError(_("步行距离应在 0～20000 米之间"))
        except ValueError as exc:
            raise CommandError(str(exc)) from None
        return CircleParams(limit_m=float(limit), kinds=kinds, open_at=open_at)

    def _region(self, opts, district: Region) -> Region:
        code = opts.get("region")
        if not code:
            return district
        region = Region.objects.filter(code=code).first()
        if region is None or not district.contains(region):
            raise CommandError(_("区划 %(c)s 不在 %(d)s 内") % {"c": code, "d": district.name})
        return region

    def _read(self, path: str) -> bytes:
        try:
            return Path(path).read_bytes()
        except OSError as exc:
            raise CommandError(
                _("无法读取文件 %(p)s：%(e)s") % {"p": path, "e": exc.strerror or exc}
            ) from None

    def _progress(self, opts, desc: str):
        if opts.get("no_progress"):
            return None
        from tqdm import tqdm

        bar = tqdm(desc=desc, unit=_("行"), file=sys.stderr, leave=False)

        def progress(done, total):
            bar.total = total
            bar.n = done
            bar.refresh()

        return progress

    def _rejected(self, exc: services.ImportRejected):
        for line in exc.errors:
            self.stderr.write(line)
        raise CommandError(str(exc))

    # ------------------------------------------------------------------ actions

    def do_import_network(self, opts):
        district = self._district(opts)
        try:
            network = services.network_import(
                district=district, path=opts["file"], name=opts["name"], progress=not opts["no_progress"]
            )
        except services.CircleError as exc:
            raise CommandError(_("%(e)s\n路网未导入，原有数据未改动。") % {"e": exc}) from None
        self.stdout.write(
            _(
                "已导入 %(d)s 的步行路网“%(n)s”：%(nodes)d 个节点，%(edges)d 条路段；"
                "范围 经度 %(x0).5f～%(x1).5f，纬度 %(y0).5f～%(y1).5f"
            )
            % {
                "d": district.name,
                "n": network.name,
                "nodes": network.nodes,
                "edges": network.edges,
                "x0": network.min_lon,
                "x1": network.max_lon,
                "y0": network.min_lat,
                "y1": network.max_lat,
            }
        )
        self.stdout.write(_("文件：%(p)s") % {"p": network.file_path()})

    def do_import_places(self, opts):
        district = self._district(opts)
        try:
            s = services.places_import(
                data=self._read(opts["file"]),
                filename=opts["file"],
                scope_region=district,
                actor=None,
                progress=self._progress(opts, _("校验服务阵地")),
            )
        except services.ImportRejected as exc:
            self._rejected(exc)
        self.stdout.write(
            _("导入服务阵地 %(r)d 行：新增 %(c)d 处，更新 %(u)d 处")
            % {"r": s.rows, "c": s.created, "u": s.updated}
        )

    def do_import_points(self, opts):
        district = self._district(opts)
        try:
            s = services.points_import(
                data=self._read(opts["file"]),
                filename=opts["file"],
                scope_region=district,
                actor=None,
                progress=self._progress(opts, _("校验居民点")),
            )
        except services.ImportRejected as exc:
            self._rejected(exc)
        self.stdout.write(
            _("导入居民点 %(c)d 个（替换了原有的 %(r)d 个）") % {"c": s.created, "r": s.replaced}
        )

    def _coverage(self, opts):
        district = self._district(opts)
        region = self._region(opts, district)
        cov = coverage_get(district, self._params(opts))
        if cov.result is None:
            raise CommandError(cov.error)
        return district, region, cov

    def do_coverage(self, opts):
        _district, region, cov = self._coverage(opts)
        self.stdout.write(_("口径：%(p)s") % {"p": cov.params.describe()})
        if cov.points.stand_in:
            self.stdout.write(_("注意：尚未导入居民点，以各社区登记居民人数代替，位置取社区中心点。"))
        if cov.synthetic:
            self.stdout.write(_("注意：示范数据，路网或居民点为合成数据，仅供演示。"))
        total = figures_get(cov, region)
        self.stdout.write(
            _("%(n)s：人口 %(p)s，覆盖 %(c)s，覆盖率 %(pct)s；居民点 %(pts)d 个，其中 %(cp)d 个已覆盖")
            % {
                "n": total.name,
                "p": _num(total.population),
                "c": _num(total.covered_population),
                "pct": _pct(total.percentage),
                "pts": total.points,
                "cp": total.covered_points,
            }
        )
        for f in figures_list_tree(cov, region)[1:]:
            indent = "  " if f.level == Level.SUBDISTRICT or not f.code else "    "
            line = _("%(n)s（%(code)s）：人口 %(p)s，覆盖 %(c)s，覆盖率 %(pct)s") % {
                "n": f.name,
                "code": f.code or "—",
                "p": _num(f.population),
                "c": _num(f.covered_population),
                "pct": _pct(f.percentage),
            }
            self.stdout.write(indent + line)
        if opts["uncovered"]:
            self.stdout.write(_("未覆盖的居民点（人口最多的在前）："))
            for p in point_list_uncovered(cov, region, limit=opts["uncovered"]):
                self.stdout.write(
                    _("  %(b)s（%(c)s）%(p)s 人，%(lon).6f,%(lat).6f：%(r)s")
                    % {
                        "b": p.building or p.id,
                        "c": p.community,
                        "p": _num(p.population),
                        "lon": p.lon,
                        "lat": p.lat,
                        "r": p.reason,
                    }
                )

    def do_recommend(self, opts):
        district, region, cov = self._coverage(opts)
        if opts["k"] < 1:
            raise CommandError(_("--k 至少为 1"))
        candidates = None
        if opts.get("candidates"):
            try:
                candidates = read_candidates(self._read(opts["candidates"]), opts["candidates"], cov.network)
            except services.ImportRejected as exc:
                self._rejected(exc)
        rec = site_recommend(cov, region, opts["k"], candidates, progress=not opts["no_progress"])
        self.stdout.write(_("口径：%(p)s") % {"p": cov.params.describe()})
        self.stdout.write(
            _("%(n)s 现状：人口 %(p)s，覆盖 %(c)s，覆盖率 %(pct)s")
            % {
                "n": region.name,
                "p": _num(rec.total_population),
                "c": _num(rec.base_covered_population),
                "pct": _pct(rec.base_percentage),
            }
        )
        if rec.candidates_outside:
            self.stdout.write(_("有 %(n)d 个候选地点不在路网上，未参与比较") % {"n": rec.candidates_outside})
        if not rec.picks:
            self.stdout.write(_("没有能新增覆盖的选址（居民已全部覆盖，或候选地点都够不到未覆盖的居民）"))
        for p in rec.picks:
            where = p.name or f"{p.lon:.6f},{p.lat:.6f}"
            near = _("，%(c)s附近") % {"c": p.near} if p.near else ""
            self.stdout.write(
                _(
                    "第 %(k)d 处：%(w)s%(near)s（%(lon).6f,%(lat).6f）新增覆盖 %(g)s 人，"
                    "累计覆盖 %(c)s 人，累计覆盖率 %(pct)s"
                )
                % {
                    "k": p.rank,
                    "w": where,
                    "near": near,
                    "lon": p.lon,
                    "lat": p.lat,
                    "g": _num(p.gain),
                    "c": _num(p.covered_population),
                    "pct": _pct(p.percentage),
                }
            )

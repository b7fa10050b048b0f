"""The service circle's spreadsheets: the coverage workbook and the import templates."""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from jiceng.circle.queries.district import DistrictCoverage
from jiceng.circle.queries.figures import figures_list_tree, point_list_uncovered
from jiceng.circle.queries.sites import RecommendReport
from jiceng.core.sheets import Sheet, about_sheet, template_response
from jiceng.regions.models import Level, Region

LEVEL_LABELS = {
    Level.DISTRICT: gettext_lazy("区"),
    Level.SUBDISTRICT: gettext_lazy("街道"),
    Level.COMMUNITY: gettext_lazy("社区"),
}
WIDTHS = [14] * 11

# One example row of each import's template, in the order of its columns.
EXAMPLES = {
    "places": [
        "浆洗街街道党群服务中心",
        "党群服务中心（街道级）",
        "104.0435",
        "30.6420",
        "浆洗街 1 号",
        "510107001004",
        "08:30-20:00",
        "政务代办、党员活动、老年食堂",
        "1200",
    ],
    "points": ["104.0431", "30.6412", "120", "310", "锦里小区 1 栋", "510107001004", "1"],
}


def _pct(value):
    return round(value, 2) if value is not None else None


def coverage_sheets(cov: DistrictCoverage, region: Region, rec: RecommendReport | None) -> list[Sheet]:
    """What the figures cover, the figures per region, the uncovered points and the suggested sites."""
    return [_about(cov, region), _figures(cov, region), _uncovered(cov, region), _picks(rec)]


def _about(cov: DistrictCoverage, region: Region) -> Sheet:
    lines = [
        (_("范围"), region.name),
        (_("口径"), cov.params.describe()),
        (
            _("居民点"),
            _("以各社区登记居民代替（位于社区中心点）") if cov.points.stand_in else _("导入的居民点"),
        ),
        (_("路网"), cov.network.name if cov.network else _("未导入")),
        (_("导出时间"), timezone.localtime().strftime("%Y-%m-%d %H:%M")),
    ]
    if cov.synthetic:
        lines.append((_("注意"), _("示范数据：路网或居民点为合成数据，仅供演示，不能作为决策依据")))
    if cov.error:
        lines.append((_("提示"), cov.error))
    return about_sheet(_("说明"), lines, widths=(12, 80))


def _figures(cov: DistrictCoverage, region: Region) -> Sheet:
    headers = [
        _("层级"),
        _("区划代码"),
        _("名称"),
        _("居民点"),
        _("人口"),
        _("覆盖人口"),
        _("覆盖率（%）"),
        _("服务阵地"),
    ]
    rows = [
        [
            str(LEVEL_LABELS.get(f.level, "")),
            f.code,
            f.name,
            f.points,
            round(f.population),
            round(f.covered_population) if f.covered_population is not None else None,
            _pct(f.percentage),
            f.places,
        ]
        for f in figures_list_tree(cov, region)
    ]
    return Sheet(_("覆盖统计"), headers, rows, widths=WIDTHS)


def _uncovered(cov: DistrictCoverage, region: Region) -> Sheet:
    headers = [
        _("编号"),
        _("楼栋名称"),
        _("社区"),
        _("经度"),
        _("纬度"),
        _("户数"),
        _("人数"),
        _("计算人口"),
        _("最近阵地"),
        _("步行距离（米）"),
        _("原因"),
    ]
    rows = [
        [
            p.id,
            p.building,
            p.community,
            round(p.lon, 6),
            round(p.lat, 6),
            p.households,
            p.residents,
            round(p.population),
            p.nearest_place,
            round(p.distance_m) if p.distance_m is not None else None,
            p.reason,
        ]
        for p in point_list_uncovered(cov, region)
    ]
    return Sheet(_("未覆盖居民点"), headers, rows, widths=WIDTHS)


def _picks(rec: RecommendReport | None) -> Sheet:
    headers = [
        _("序号"),
        _("候选地点"),
        _("附近社区"),
        _("经度"),
        _("纬度"),
        _("新增覆盖人口"),
        _("累计覆盖人口"),
        _("累计覆盖率（%）"),
    ]
    rows = []
    if rec is not None:
        rows.append(
            [
                "—",
                _("现状"),
                "",
                None,
                None,
                None,
                round(rec.base_covered_population),
                _pct(rec.base_percentage),
            ]
        )
        rows += [
            [
                p.rank,
                p.name,
                p.near,
                round(p.lon, 6),
                round(p.lat, 6),
                round(p.gain),
                round(p.covered_population),
                _pct(p.percentage),
            ]
            for p in rec.picks
        ]
    return Sheet(_("选址建议"), headers, rows, widths=WIDTHS)


def import_template(kind: str, title: str, columns) -> HttpResponse:
    """The columns an import of `kind` ("places" or "points") must have, with one example row."""
    return template_response(f"circle-{kind}-template", str(title), columns, EXAMPLES[kind])

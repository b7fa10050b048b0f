"""The coverage workbook (.xlsx): figures per region, uncovered points, recommended sites."""

import io

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.styles import Font

from jiceng.circle.queries import DistrictCoverage, RecommendReport, figures_tree, uncovered_points
from jiceng.regions.models import Level, Region

LEVEL_LABELS = {
    Level.DISTRICT: gettext_lazy("区"),
    Level.SUBDISTRICT: gettext_lazy("街道"),
    Level.COMMUNITY: gettext_lazy("社区"),
}


def _pct(value):
    return round(value, 2) if value is not None else None


def coverage_workbook(cov: DistrictCoverage, region: Region, rec: RecommendReport | None) -> bytes:
    wb = Workbook()
    bold = Font(bold=True)

    about = wb.active
    about.title = _("说明")
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
    for row in lines:
        about.append(list(row))
    about.column_dimensions["A"].width = 12
    about.column_dimensions["B"].width = 80

    table = wb.create_sheet(_("覆盖统计"))
    table.append(
        [
            _("层级"),
            _("区划代码"),
            _("名称"),
            _("居民点"),
            _("人口"),
            _("覆盖人口"),
            _("覆盖率（%）"),
            _("服务阵地"),
        ]
    )
    for f in figures_tree(cov, region):
        table.append(
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
        )

    sheet = wb.create_sheet(_("未覆盖居民点"))
    sheet.append(
        [
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
    )
    for p in uncovered_points(cov, region):
        sheet.append(
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
        )

    picks = wb.create_sheet(_("选址建议"))
    picks.append(
        [
            _("序号"),
            _("候选地点"),
            _("附近社区"),
            _("经度"),
            _("纬度"),
            _("新增覆盖人口"),
            _("累计覆盖人口"),
            _("累计覆盖率（%）"),
        ]
    )
    if rec is not None:
        picks.append(
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
        for p in rec.picks:
            picks.append(
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
            )
    for ws in wb.worksheets[1:]:
        for cell in ws[1]:
            cell.font = bold
        ws.freeze_panes = "A2"
        for col in "ABCDEFGHIJK":
            ws.column_dimensions[col].width = 14
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()

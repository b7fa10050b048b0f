"""The funds workbook: a region and its children, every figure summed from the records."""

from django.utils.translation import gettext as _

from jiceng.core.sheets import Sheet
from jiceng.funding.queries.funds import Figures


def _row(f: Figures) -> list:
    return [
        f.region.name,
        f.region.code,
        f.budget,
        f.allocated,
        f.spent,
        f.execution_rate,
        f.residents,
        f.per_resident,
        f.service_share,
    ]


def funds_sheets(whole: Figures, children: list[Figures], *, year: int) -> list[Sheet]:
    headers = [
        _("区划"),
        _("区划代码"),
        _("预算（元）"),
        _("已下拨（元）"),
        _("已支出（元）"),
        _("执行率（%）"),
        _("在册居民"),
        _("人均支出（元）"),
        _("服务群众支出占比（%）"),
    ]
    return [
        Sheet(
            _("经费执行"),
            headers,
            [_row(c) for c in children],
            (18, 14, 14, 14, 14, 10, 10, 12, 14),
            heading=_("%(r)s %(y)s 年经费执行情况") % {"r": whole.region.name, "y": year},
            totals=[_("合计")] + _row(whole)[1:],
            notes=[_("所有数字由预算、下拨和支出记录汇总，未经手工录入。"), _("制表人：　　　　审核人：")],
        )
    ]

"""The linkage app's spreadsheets: the grid import template and the figures per grid."""

from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from jiceng.core.sheets import Sheet, template_response
from jiceng.linkage.queries import GridFigures
from jiceng.linkage.services import COLUMNS

EXAMPLE = ["510107001001", "1", "第一网格（1–3 栋）", "张网格", "13800138001"]


def grid_import_template() -> HttpResponse:
    """The columns a grid list must have, with one example grid."""
    return template_response("grids-template", _("网格"), COLUMNS, EXAMPLE)


def grid_sheets(figures: list[GridFigures]) -> list[Sheet]:
    headers = [
        _("社区"),
        _("网格"),
        _("网格员"),
        _("户数"),
        pgettext("count", "居民"),
        _("党员"),
        _("未解决需求"),
        _("已解决需求"),
        _("待审申报"),
        _("居民点人口"),
        _("步行 15 分钟覆盖人口"),
        _("覆盖率（%）"),
    ]
    rows = [
        [
            f.grid.parent.name,
            f.grid.name,
            f.worker,
            f.households,
            f.residents,
            f.party_members,
            f.needs_open,
            f.needs_resolved,
            f.claims_waiting,
            round(f.circle.population),
            "" if f.circle.covered_population is None else round(f.circle.covered_population),
            "" if f.circle.percentage is None else round(f.circle.percentage, 1),
        ]
        for f in figures
    ]
    return [Sheet(title=_("网格"), headers=headers, rows=rows)]

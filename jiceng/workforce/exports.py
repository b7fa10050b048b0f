"""The career system's spreadsheets: the monthly pay sheet as a finance office lays it out, and the roster template."""

from django.http import HttpResponse
from django.utils.translation import gettext as _

from jiceng.core.sheets import Sheet, template_response
from jiceng.workforce.models import Post
from jiceng.workforce.queries.pay import pay_sheet_rows, pay_sheet_totals
from jiceng.workforce.services.imports import COLUMNS

EXAMPLE = [
    "张三",
    "510107196005011234",
    "510107001001",
    "其他",
    "2019-03-01",
    "3",
    "助理社会工作师",
    "2020123456",
    "2020-11-01",
]


def pay_sheet_sheets(sheet) -> list[Sheet]:
    """One sheet: merged title, header, a row per worker, the totals row and the signature lines."""
    posts = dict(Post.choices)
    rows = []
    for i, r in enumerate(pay_sheet_rows(sheet), start=1):
        rows.append(
            [
                i,
                r.name,
                r.community.name,
                str(posts[r.post]),
                r.grade,
                r.coefficient,
                r.base,
                r.fixed_pay,
                r.allowance,
                r.total,
                "",
            ]
        )
    totals = pay_sheet_totals(sheet)
    status = _("已审核") if sheet.is_approved else _("草稿（未审核）")
    return [
        Sheet(
            title=f"{sheet.year}-{sheet.month:02d}",
            heading=_("%(s)s社区工作者%(y)d年%(m)d月报酬发放表（%(st)s）")
            % {"s": sheet.subdistrict.name, "y": sheet.year, "m": sheet.month, "st": status},
            headers=[
                _("序号"),
                _("姓名"),
                _("社区"),
                _("岗位"),
                _("等级"),
                _("系数"),
                _("基数（元）"),
                _("固定报酬（元）"),
                _("职业津贴（元）"),
                _("应发合计（元）"),
                _("领款人签字"),
            ],
            rows=rows,
            totals=[
                _("合计"),
                _("%(n)d 人") % {"n": totals.rows},
                "",
                "",
                "",
                "",
                "",
                totals.fixed_pay,
                totals.allowance,
                totals.total,
                "",
            ],
            widths=[6, 10, 18, 14, 6, 6, 11, 14, 14, 14, 12],
            notes=[
                _("固定报酬 = 基数 × 系数 × 固定部分比例；绩效部分按年度考核结果另行发放。"),
                _("制表：__________    审核：__________    负责人：__________    日期：______年____月____日"),
            ],
        )
    ]


def roster_import_template() -> HttpResponse:
    return template_response("workforce-roster-template", _("社区工作者"), COLUMNS, EXAMPLE)

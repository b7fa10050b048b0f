"""A region's cockpit figures as a workbook, for reporting upward (district to city)."""

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jiceng.cockpit.queries.board import Cockpit, Row
from jiceng.core.sheets import Sheet, about_sheet

FIGURES = [
    ("residents", "登记在册居民"),
    ("communities", "社区数"),
    ("communities_awarded", "本年有结算奖励的社区"),
    ("issued", "发放积分"),
    ("redeemed", "兑换积分"),
    ("pools", "爱心池积分"),
    ("meetings", "联盟会议（已召开）"),
    ("symposia", "双月座谈会（已召开）"),
    ("actions_open", "联盟任务推进中"),
    ("actions_done", "联盟任务本年办结"),
    ("needs_open", "需求未解决"),
    ("needs_resolved", "需求本年已解决"),
    ("activities_held", "活动已举办"),
    ("checkins", "活动签到人次"),
    ("sector_total", "新兴领域组织"),
    ("sector_covered", "已建党组织"),
    ("sector_faded", "边建边散"),
    ("report_ins", "报到党员"),
    ("report_ins_confirmed", "本年已确认服务的报到党员"),
    ("workers", "社区工作者"),
    ("per_10k", "每万名居民社区工作者"),
    ("budget", "预算（元）"),
    ("spent", "已支出（元）"),
    ("execution_rate", "执行率（%）"),
]


def _values(row: Row) -> list:
    return [getattr(row, attr) for attr, _label in FIGURES] + [
        row.tasks["on_time"],
        row.tasks["late"],
        row.tasks["missed"],
        row.tasks["open"],
    ]


def cockpit_sheets(cockpit: Cockpit) -> list[Sheet]:
    headers = [_("区划"), _("区划代码")] + [_(label) for _attr, label in FIGURES]
    headers += [_("任务按时完成"), _("任务逾期完成"), _("任务未完成"), _("任务进行中")]
    rows = [[r.region.name, r.region.code, *_values(r)] for r in [cockpit.total, *cockpit.children]]
    targets = [
        [t.name, _("已完成") if t.done else _("未完成"), t.figure, "；".join(t.missing)]
        for t in cockpit.targets
    ]
    return [
        about_sheet(
            _("说明"),
            [
                (_("区划"), f"{cockpit.region.name}（{cockpit.region.code}）"),
                (_("年度"), cockpit.year),
                (_("计算日期"), cockpit.today),
                (
                    _("数据更新于"),
                    timezone.localtime(cockpit.computed_at).strftime("%Y-%m-%d %H:%M")
                    if cockpit.computed_at
                    else _("实时汇总"),
                ),
                (_("距年底"), ngettext("%(n)s 天", "%(n)s 天", cockpit.days_left) % {"n": cockpit.days_left}),
                (_("来源"), _("全部数字由系统记录汇总，无手工填报")),
                (_("人口说明"), cockpit.circle_note),
            ],
        ),
        Sheet(_("年度目标"), [_("目标"), _("状态"), _("进度"), _("未完成")], targets, (28, 10, 36, 80)),
        Sheet(_("各项数字"), headers, rows, (18, 14)),
    ]

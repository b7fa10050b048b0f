"""The workbooks of a run: the ranked table with each indicator's points, and the units' feedback sheets."""

from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core.sheets import Sheet, about_sheet

_SHEET_NAME_BAD = str.maketrans({c: "_" for c in "[]:*?/\\"})


def run_sheets(run, indicators, rows) -> list[Sheet]:
    """`rows`: (score, [score line or None per indicator]) as the run page shows them."""
    headers = [_("名次"), _("考核对象"), _("总分"), _("等次")]
    for i in indicators:
        headers += [f"{i.name}（{_('指标值')}）", f"{i.name}（{_('得分')}）"]
    data = []
    for score, cells in rows:
        line = [score.rank, score.subject_name, score.total, score.get_grade_display()]
        for cell in cells:
            line += [cell.value if cell else None, cell.points if cell else None]
        data.append(line)
    about = about_sheet(
        _("说明"),
        [
            (_("方案"), str(run.scheme)),
            (_("考核期"), f"{run.period_start} — {run.period_end}"),
            (_("计算时间"), timezone.localtime(run.computed_at).strftime("%Y-%m-%d %H:%M")),
            (_("输入摘要（SHA-256）"), run.input_hash),
            (_("口径"), _("每项指标由系统按台账计算，所依据的记录见系统中每个得分的“依据”页。")),
        ],
    )
    return [Sheet(_("考核结果"), headers, data, (6, 20, 8, 8) + (12,) * (2 * len(indicators))), about]


def feedback_sheets(run, feedbacks, *, heading: str) -> list[Sheet]:
    """One sheet per unit: its result, each indicator, and its reported-in members' service in the period."""
    sheets = []
    for n, fb in enumerate(feedbacks, start=1):
        s = fb.score
        rows = [
            [_("单位"), fb.unit.name],
            [_("统一社会信用代码"), fb.unit.uscc],
            [_("反馈对象（上级党组织）"), fb.recipient.name],
            [_("考核方案"), str(run.scheme)],
            [_("考核期"), f"{run.period_start} — {run.period_end}"],
            [_("总分"), s.total],
            [_("等次"), s.get_grade_display()],
            [_("名次"), _("第%(r)d名（共%(n)d个单位）") % {"r": s.rank, "n": fb.subjects}],
            [],
            [_("指标"), _("指标值"), _("单位"), _("得分"), _("满分")],
        ]
        rows += [[ln.name, ln.value, ln.unit, ln.points, ln.max_points] for ln in fb.lines]
        rows += [[], [_("报到党员"), _("报到社区"), _("参加活动次数"), _("服务时长（小时）"), _("活动明细")]]
        for m in fb.members:
            detail = "；".join(
                f"{timezone.localtime(c.checked_in_at):%Y-%m-%d} {c.activity.title}（{c.minutes or 0}分钟）"
                for c in m.rows
            )
            rows.append([m.report_in.person.name, m.report_in.community.name, m.activities, m.hours, detail])
        if not fb.members:
            rows.append([_("考核期内没有本单位的报到党员。")])
        title = f"{n}.{fb.unit.name}".translate(_SHEET_NAME_BAD)[:31]
        sheets.append(Sheet(title, [], rows, (24, 30, 12, 14, 60), heading=heading))
    about = about_sheet(
        _("说明"),
        [
            (_("方案"), str(run.scheme)),
            (_("考核期"), f"{run.period_start} — {run.period_end}"),
            (_("版次"), run.version),
            (_("输入摘要（SHA-256）"), run.input_hash),
            (_("出具日期"), timezone.localdate()),
            (_("口径"), _("每项指标由系统按台账计算，所依据的记录见系统中每个得分的“依据”页。")),
        ],
    )
    return [*sheets, about]

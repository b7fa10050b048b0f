"""The workbook of a run: the ranked table, one column per indicator's points, and what it covers."""

from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.core.sheets import Sheet, about_sheet


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

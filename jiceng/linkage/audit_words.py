"""Sentences of the linkage app's audit codes, shown on the audit log page."""

from django.utils.translation import gettext_lazy as _

SENTENCES = {
    "linkage.assignment_issue": _("%(actor)s 下派了任务「%(target)s」"),
    "linkage.assignment_split": _("%(actor)s 把任务「%(target)s」继续下派"),
    "linkage.assignment_report": _("%(actor)s 报送了任务「%(target)s」的完成情况"),
    "linkage.grid_import": _("%(actor)s 导入了网格和网格员（%(target)s）"),
    "linkage.grid_export": _("%(actor)s 导出了网格统计"),
    "linkage.household_assign": _("%(actor)s 调整了住户所属网格：%(target)s"),
}

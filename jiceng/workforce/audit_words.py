"""Sentences of the career system's audit codes, shown on the audit log page."""

from django.utils.translation import gettext_lazy as _

SENTENCES = {
    "workforce.worker_hire": _("%(actor)s 办理了社区工作者「%(target)s」入职"),
    "workforce.worker_place": _("%(actor)s 调整了社区工作者「%(target)s」的社区或岗位"),
    "workforce.worker_leave": _("%(actor)s 办理了社区工作者「%(target)s」离职"),
    "workforce.qualification_record": _("%(actor)s 登记了「%(target)s」的职业资格"),
    "workforce.assessment_record": _("%(actor)s 登记了「%(target)s」的年度考核结果"),
    "workforce.grade_correct": _("%(actor)s 更正了「%(target)s」的等级"),
    "workforce.promotion_run": _("%(actor)s 为「%(target)s」运行了年度晋级"),
    "workforce.settings_save": _("%(actor)s 修改了「%(target)s」的社区工作者职业体系设置"),
    "workforce.pay_table_save": _("%(actor)s 修改了「%(target)s」的报酬系数表"),
    "workforce.pay_sheet_compute": _("%(actor)s 计算了工资表「%(target)s」"),
    "workforce.pay_sheet_approve": _("%(actor)s 审核了工资表「%(target)s」"),
    "workforce.roster_import": _("%(actor)s 向「%(target)s」导入了社区工作者花名册"),
    "workforce.export_pay_sheet": _("%(actor)s 导出了工资表「%(target)s」"),
}

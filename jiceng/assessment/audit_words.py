"""Sentences of the assessment audit codes, shown on the audit log page."""

from django.utils.translation import gettext_lazy as _

SENTENCES = {
    "scheme.create": _("%(actor)s 新建了考核方案「%(target)s」"),
    "scheme.publish": _("%(actor)s 发布了考核方案「%(target)s」"),
    "scheme.revise": _("%(actor)s 修订了考核方案，生成新版本「%(target)s」"),
    "indicator.add": _("%(actor)s 为考核方案增加了指标「%(target)s」"),
    "run.compute": _("%(actor)s 计算并冻结了考核结果「%(target)s」"),
    "manual.enter": _("%(actor)s 登记了人工指标「%(target)s」"),
    "assessment.export_run": _("%(actor)s 导出了考核结果「%(target)s」"),
    "assessment.export_feedback": _("%(actor)s 导出了驻区单位考核反馈单「%(target)s」"),
    "manual.approve": _("%(actor)s 复核通过了人工指标「%(target)s」"),
    "run.publish": _("%(actor)s 公示了考核结果「%(target)s」"),
    "objection.raise": _("%(actor)s 对考核得分「%(target)s」提出了异议"),
    "objection.decide": _("%(actor)s 裁定了考核异议「%(target)s」"),
    "sanction.from_run": _("%(actor)s 依据考核结果「%(target)s」作出了表彰和通报"),
    "sanction.plan": _("%(actor)s 提交了整改方案「%(target)s」"),
}

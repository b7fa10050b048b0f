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
    "manual.approve": _("%(actor)s 复核通过了人工指标「%(target)s」"),
}

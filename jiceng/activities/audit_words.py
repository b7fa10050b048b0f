"""Sentences of the activities' audit codes, shown on the audit log page."""

from django.utils.translation import gettext_lazy as _

SENTENCES = {
    "activities.publish": _("%(actor)s 发布了活动「%(target)s」"),
    "activities.cancel": _("%(actor)s 取消了活动「%(target)s」"),
    "activities.close": _("%(actor)s 结束了活动「%(target)s」"),
    "activities.file_claims": _("%(actor)s 为活动「%(target)s」的参加者提交了积分申报"),
    "activities.export_list": _("%(actor)s 导出了活动清单"),
    "activities.export_attendance": _("%(actor)s 导出了活动「%(target)s」的签到表"),
}

"""Sentences of the cockpit's audit codes, shown on the audit log page."""

from django.utils.translation import gettext_lazy as _

SENTENCES = {
    "cockpit.export": _("%(actor)s 导出了驾驶舱数据「%(target)s」"),
}

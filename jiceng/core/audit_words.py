"""Sentences of the ground floor's own audit codes (Django admin edits and the log's export)."""

from django.utils.translation import gettext_lazy as _

SENTENCES = {
    "admin.add": _("%(actor)s 在后台新增了记录「%(target)s」"),
    "admin.change": _("%(actor)s 在后台修改了记录「%(target)s」"),
    "admin.delete": _("%(actor)s 在后台删除了记录「%(target)s」"),
    "core.audit_export": _("%(actor)s 导出了审计日志"),
}

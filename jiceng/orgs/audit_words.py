"""Sentences of the organisations' audit codes, shown on the audit log page."""

from django.utils.translation import gettext_lazy as _

SENTENCES = {
    "organization.create": _("%(actor)s 登记了组织「%(target)s」"),
    "organization.update": _("%(actor)s 修改了组织「%(target)s」"),
}

"""Sentences of the residents' audit codes, shown on the audit log page."""

from django.utils.translation import gettext_lazy as _

SENTENCES = {
    "people.import": _("%(actor)s 为「%(target)s」导入了居民名册"),
}

"""Sentences of the charters' audit codes, shown on the audit log page."""

from django.utils.translation import gettext_lazy as _

SENTENCES = {
    "charters.adopt": _("%(actor)s 登记了居民会议通过的「%(target)s」"),
}

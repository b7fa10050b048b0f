"""The people app's spreadsheets: the import template of the resident roster."""

from django.http import HttpResponse
from django.utils.translation import gettext as _

from jiceng.core.sheets import template_response
from jiceng.people.services import COLUMNS

EXAMPLE = [
    "张三",
    "男",
    "1960-05-01",
    "13800138000",
    "",
    "510107001001",
    "1-1-101",
    "浆洗街 1 号",
    "",
    "",
    "",
]


def person_import_template() -> HttpResponse:
    """The columns a roster must have, with one example resident."""
    return template_response("people-template", _("居民"), COLUMNS, EXAMPLE)

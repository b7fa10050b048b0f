from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllianceConfig(AppConfig):
    name = "jiceng.alliance"
    verbose_name = _("区域党建工作联盟")

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScaleConfig(AppConfig):
    name = "jiceng.scale"
    verbose_name = _("规模数据")

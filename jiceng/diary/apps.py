from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiaryConfig(AppConfig):
    name = "jiceng.diary"
    verbose_name = _("道德日记")

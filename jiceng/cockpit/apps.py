from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    name = "jiceng.cockpit"
    verbose_name = _("驾驶舱")

    def ready(self) -> None:
        from jiceng.cockpit.audit_words import SENTENCES
        from jiceng.core.audit_log import actions_register

        actions_register(SENTENCES)

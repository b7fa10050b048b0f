from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AllianceConfig(AppConfig):
    name = "jiceng.alliance"
    verbose_name = _("区域党建工作联盟")

    def ready(self) -> None:
        from jiceng.alliance.audit_words import SENTENCES
        from jiceng.core.audit_log import actions_register

        actions_register(SENTENCES)
        from jiceng.alliance.demo import load_alliance_demo
        from jiceng.demo.registry import register

        register("alliance", load_alliance_demo, order=100)

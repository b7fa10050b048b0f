from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChartersConfig(AppConfig):
    name = "jiceng.charters"
    verbose_name = _("居民自治章程与社区公约")

    def ready(self) -> None:
        from jiceng.charters.audit_words import SENTENCES
        from jiceng.charters.demo import load_charters_demo
        from jiceng.core.audit_log import actions_register
        from jiceng.demo.registry import register

        actions_register(SENTENCES)
        register("charters", load_charters_demo, order=320)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgsConfig(AppConfig):
    name = "jiceng.orgs"
    verbose_name = _("组织")

    def ready(self) -> None:
        from jiceng.core.audit_log import actions_register
        from jiceng.orgs.audit_words import SENTENCES

        actions_register(SENTENCES)
        from jiceng.demo.registry import register
        from jiceng.orgs.demo import load_orgs_demo

        register("orgs", load_orgs_demo, order=20)

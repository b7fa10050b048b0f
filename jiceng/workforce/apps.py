from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkforceConfig(AppConfig):
    name = "jiceng.workforce"
    verbose_name = _("社区工作者职业体系")

    def ready(self) -> None:
        from jiceng.core.audit_log import actions_register
        from jiceng.workforce.audit_words import SENTENCES

        actions_register(SENTENCES)
        from jiceng.core.jobs import runner_register
        from jiceng.demo.registry import register
        from jiceng.workforce.demo import load_workforce_demo
        from jiceng.workforce.services import roster_import

        register(
            "workforce", load_workforce_demo, order=165
        )  # after funding (160): the demo approves a sheet, which pays from its line
        runner_register("workforce_roster", roster_import)

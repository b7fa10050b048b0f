from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LinkageConfig(AppConfig):
    name = "jiceng.linkage"
    verbose_name = _("四级联动与网格")

    def ready(self) -> None:
        from jiceng.core.audit_log import actions_register
        from jiceng.linkage.audit_words import SENTENCES

        actions_register(SENTENCES)
        from jiceng.core.jobs import runner_register
        from jiceng.demo.registry import register
        from jiceng.linkage.demo import load_linkage_demo
        from jiceng.linkage.services.grids import grid_import

        # After activities (110) and the alliance: tasks are completed from their demo records.
        register("linkage", load_linkage_demo, order=170)
        runner_register("grids", grid_import)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CockpitConfig(AppConfig):
    name = "jiceng.cockpit"
    verbose_name = _("驾驶舱")

    def ready(self) -> None:
        from jiceng.cockpit.audit_words import SENTENCES
        from jiceng.core.audit_log import actions_register

        actions_register(SENTENCES)

        from django.conf import settings

        from jiceng.cockpit.demo import load_cockpit_demo
        from jiceng.core.jobs import periodic_register
        from jiceng.demo.registry import register

        def enqueue():
            from jiceng.cockpit.tasks import cockpit_rollup_refresh

            return cockpit_rollup_refresh.enqueue()

        periodic_register("cockpit-rollup", lambda: settings.COCKPIT_ROLLUP_SECONDS, enqueue)
        # Last of all loaders: the roll-up sums what every other loader made.
        register("cockpit.rollup", load_cockpit_demo, order=900)

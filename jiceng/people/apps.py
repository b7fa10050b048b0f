from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "jiceng.people"
    verbose_name = _("居民与党员")

    def ready(self) -> None:
        from jiceng.core.jobs import runner_register
        from jiceng.people.services import people_import

        runner_register("people", people_import)

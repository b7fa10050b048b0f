from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    name = "jiceng.people"
    verbose_name = _("居民与党员")

    def ready(self) -> None:
        from jiceng.core.audit_log import actions_register
        from jiceng.people.audit_words import SENTENCES

        actions_register(SENTENCES)
        from jiceng.core.jobs import runner_register
        from jiceng.demo.registry import register
        from jiceng.people.demo import load_people_demo, load_users_demo
        from jiceng.people.services import people_import

        register("people", load_people_demo, order=30)
        register("users", load_users_demo, order=40)
        runner_register("people", people_import)

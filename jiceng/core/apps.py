from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "jiceng.core"
    verbose_name = _("用户与权限")

    def ready(self) -> None:
        from jiceng.core import checks  # noqa: F401 - registers the start-up checks
        from jiceng.core.audit_log import actions_register
        from jiceng.core.audit_words import SENTENCES

        actions_register(SENTENCES)

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

        from django.conf import settings

        from jiceng.core.jobs import periodic_register
        from jiceng.core.wal import wal_checkpoint

        if settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
            periodic_register("sqlite-checkpoint", lambda: settings.SQLITE_CHECKPOINT_SECONDS, wal_checkpoint)

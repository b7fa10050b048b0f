from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BankConfig(AppConfig):
    name = "jiceng.bank"
    verbose_name = _("道德银行")

    def ready(self) -> None:
        from jiceng.bank import demo_claims  # noqa: F401 - registers the demo loader

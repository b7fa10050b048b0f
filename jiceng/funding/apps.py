from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "jiceng.funding"
    verbose_name = _("经费与购买服务")

    def ready(self) -> None:
        from jiceng.core.audit_log import actions_register
        from jiceng.funding.audit_words import SENTENCES

        actions_register(SENTENCES)
        from jiceng.demo.registry import register
        from jiceng.funding.demo import load_funding_demo

        register("funding", load_funding_demo, order=160)
        from jiceng.funding.services.pay_sheets import on_pay_sheet_approved
        from jiceng.workforce.signals import pay_sheet_approved

        pay_sheet_approved.connect(on_pay_sheet_approved, dispatch_uid="funding.pay_sheet_expense")

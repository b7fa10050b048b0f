from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BankConfig(AppConfig):
    name = "jiceng.bank"
    verbose_name = _("道德银行")

    def ready(self) -> None:
        from jiceng.bank import checks  # noqa: F401 - registers the signing key's start-up check
        from jiceng.bank.audit_words import SENTENCES
        from jiceng.core.audit_log import actions_register

        actions_register(SENTENCES)
        from jiceng.bank.queries.rules import rule_list_citing
        from jiceng.charters.queries.charter import citation_reader_register

        citation_reader_register(rule_list_citing)
        from jiceng.bank.demo_claims import load_claims_demo
        from jiceng.bank.demo_rewards import load_rewards_demo
        from jiceng.bank.demo_rules import load_cited_rule_demo
        from jiceng.demo.registry import register

        register("bank.rewards", load_rewards_demo, order=200)
        register("bank.cited_rule", load_cited_rule_demo, order=330)  # after the charters (320)
        register("bank.claims", load_claims_demo, order=400)

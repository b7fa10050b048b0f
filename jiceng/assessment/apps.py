from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "jiceng.assessment"
    verbose_name = _("考核评价")

    def ready(self) -> None:
        from jiceng.assessment.audit_words import SENTENCES
        from jiceng.core.audit_log import actions_register

        actions_register(SENTENCES)
        from jiceng.assessment.demo import load_assessment_demo, load_assessment_runs_demo
        from jiceng.demo.registry import register

        register("assessment", load_assessment_demo, order=190)
        register("assessment.runs", load_assessment_runs_demo, order=450)

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CircleConfig(AppConfig):
    name = "jiceng.circle"
    verbose_name = _("一刻钟党建服务圈")

    def ready(self) -> None:
        from jiceng.circle.audit_words import SENTENCES
        from jiceng.core.audit_log import actions_register

        actions_register(SENTENCES)
        from jiceng.circle import services
        from jiceng.circle.demo import load_circle_demo
        from jiceng.core.jobs import runner_register
        from jiceng.demo.registry import register

        register("circle", load_circle_demo, order=300)
        runner_register("circle_places", services.places_import)
        runner_register("circle_points", services.points_import)

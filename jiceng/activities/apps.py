from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActivitiesConfig(AppConfig):
    name = "jiceng.activities"
    verbose_name = _("活动与签到")

    def ready(self) -> None:
        from jiceng.activities.audit_words import SENTENCES
        from jiceng.core.audit_log import actions_register

        actions_register(SENTENCES)
        from jiceng.activities.demo import load_activities_demo, load_place_use_demo
        from jiceng.activities.queries.attendance import checkin_list_served
        from jiceng.alliance.queries.report_in import attendance_reader_register
        from jiceng.demo.registry import register

        # The alliance (the floor below) counts a reported-in member's service from these check-ins.
        attendance_reader_register(checkin_list_served)
        # After the alliance's loader: co-hosted activities need the alliance and its actions.
        register("activities", load_activities_demo, order=110)
        # After the service circle's loader: the demo activities are held at its places.
        register("activities_places", load_place_use_demo, order=310)

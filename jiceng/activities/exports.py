"""The sheets of the activities downloads, built from querysets the views have already scoped."""

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jiceng.activities.models import Activity
from jiceng.activities.queries.attendance import checkin_list_for_activity
from jiceng.core.scope import Scope
from jiceng.core.sheets import Sheet


def activity_sheets(activities: QuerySet[Activity]) -> list[Sheet]:
    """Every activity with its sign-ups, check-ins and the minutes served."""
    rows = [
        (
            a.pk,
            a.title,
            a.organizer_label,
            a.get_organizer_kind_display(),
            a.community.name,
            a.place,
            a.starts_at,
            a.ends_at,
            a.capacity,
            _("是") if a.signup_required else _("否"),
            sum(1 for s in a.signups.all() if s.cancelled_at is None),
            len(a.checkins.all()),
            sum(c.minutes or 0 for c in a.checkins.all()),
            a.get_status_display(),
            a.claims_count,
        )
        for a in activities.prefetch_related("checkins", "signups").order_by("-starts_at")
    ]
    headers = [
        _("编号"),
        _("活动"),
        _("主办方"),
        _("主办方类型"),
        _("举办社区"),
        _("地点"),
        _("开始时间"),
        _("结束时间"),
        _("人数上限"),
        _("需要报名"),
        _("报名人数"),
        _("签到人数"),
        _("服务总时长（分钟）"),
        _("状态"),
        _("申报积分人数"),
    ]
    return [Sheet(_("活动"), headers, rows, (8, 28, 24, 10, 18, 20, 18, 18, 8, 8, 8, 8, 14, 8, 10))]


def checkin_sheets(activity: Activity, scope: Scope) -> list[Sheet]:
    """Who checked in and out, and for how long.

    Full names only for staff whose own area the participant lives in; anyone else
    running the activity (a unit, say) sees the masked name.
    """
    rows = [
        (
            c.person.name if scope.covers(c.person.community) else c.person.masked_name,
            c.person.masked_phone,
            c.get_method_display(),
            c.checked_in_at,
            c.checked_out_at,
            c.minutes,
        )
        for c in checkin_list_for_activity(activity)
    ]
    headers = [_("姓名"), _("手机号"), _("签到方式"), _("签到时间"), _("签退时间"), _("服务时长（分钟）")]
    return [Sheet(_("签到记录"), headers, rows, (12, 16, 16, 18, 18, 14))]

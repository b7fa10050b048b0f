"""Reads of who takes part: sign-ups, check-ins, and the attendance that counts as service."""

import datetime as dt
from collections.abc import Collection

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from jiceng.activities import tokens
from jiceng.activities.errors import ActivityError
from jiceng.activities.models import Activity, ActivityStatus, CheckIn, SignUp
from jiceng.activities.queries.activity import activity_list_organised
from jiceng.people.models import Person


def signup_get_open(activity: Activity, person: Person) -> SignUp | None:
    """The person's sign-up for the activity, unless it was cancelled."""
    return SignUp.objects.filter(activity=activity, person=person, cancelled_at__isnull=True).first()


def signup_list_open(activity: Activity) -> QuerySet[SignUp]:
    return activity.signups.filter(cancelled_at__isnull=True)


def checkin_get(activity: Activity, person: Person) -> CheckIn | None:
    return CheckIn.objects.filter(activity=activity, person=person).first()


def checkin_get_organised(user, pk: int) -> CheckIn | None:
    """A check-in of an activity the user runs, or None."""
    return (
        CheckIn.objects.filter(pk=pk, activity__in=activity_list_organised(user))
        .select_related("person")
        .first()
    )


def checkin_list_for_activity(activity: Activity) -> list[CheckIn]:
    return list(activity.checkins.select_related("person", "recorded_by").order_by("checked_in_at", "pk"))


def attendance_labels(person: Person, activities: list[Activity]) -> dict[int, str]:
    """For each activity the person signed up for or checked in at, what to show: 已报名 or 已签到."""
    labels = {
        s.activity_id: _("已报名")
        for s in SignUp.objects.filter(person=person, activity__in=activities, cancelled_at__isnull=True)
    }
    return labels | {
        c.activity_id: _("已签到") for c in CheckIn.objects.filter(person=person, activity__in=activities)
    }


def person_get_by_code(activity: Activity, code: str) -> Person:
    """The participant a personal code stands for, among the residents of the activity's district."""
    pk = tokens.person_id_from_code(code)
    person = (
        Person.objects.filter(pk=pk, district_id=activity.district_id, is_active=True).first() if pk else None
    )
    if person is None:
        raise ActivityError(_("个人码不正确。请让参加人打开“我的个人码”再扫一次，或核对后重新输入。"))
    return person


def checkin_list_served(person_ids: Collection[int], start: dt.datetime, end: dt.datetime) -> list[CheckIn]:
    """The checked-out attendances of these people that began in [start, end), oldest first.

    Every activity in the district counts, wherever it was; cancelled ones do not. This
    is the reader the alliance's report-in counts service with (see apps.py).
    """
    return list(
        CheckIn.objects.filter(
            person_id__in=person_ids,
            checked_out_at__isnull=False,
            checked_in_at__gte=start,
            checked_in_at__lt=end,
        )
        .exclude(activity__status=ActivityStatus.CANCELLED)
        .select_related("activity")
        .order_by("checked_in_at", "pk")
    )

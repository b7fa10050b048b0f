"""Writes of on-site presence: check-in (by the rotating QR code or a personal code) and check-out."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.activities import tokens
from jiceng.activities.errors import ActivityError
from jiceng.activities.models import Activity, ActivityStatus, CheckIn, CheckInMethod, SignUp
from jiceng.activities.queries.attendance import person_get_by_code
from jiceng.activities.services.activity import activity_lock, local_time
from jiceng.people.models import Person

# Check-in opens an hour before the start, so people arriving early can check in.
CHECKIN_OPENS_BEFORE = dt.timedelta(minutes=60)


def check_in_window(activity: Activity, now: dt.datetime) -> None:
    """Raise unless check-in is open: published, from an hour before the start until the end."""
    if activity.status != ActivityStatus.PUBLISHED:
        raise ActivityError(_("活动状态为“%(s)s”，不能签到。") % {"s": activity.get_status_display()})
    if now < activity.starts_at - CHECKIN_OPENS_BEFORE:
        raise ActivityError(
            _("活动还没开始，开始前 1 小时内才能签到（开始时间 %(t)s）。")
            % {"t": local_time(activity.starts_at)}
        )
    if now > activity.ends_at:
        raise ActivityError(_("活动已经结束，不能再签到。"))


@transaction.atomic
def checkin_record(
    *, activity: Activity, person: Person, method: str, actor, now: dt.datetime | None = None
) -> CheckIn:
    """Record a participant as present. Callers prove presence first (QR token or personal code)."""
    now = now or timezone.now()
    activity = activity_lock(activity)
    check_in_window(activity, now)
    if person.district_id != activity.district_id:
        raise ActivityError(_("只有本区居民可以签到。"))
    existing = CheckIn.objects.filter(activity=activity, person=person).first()
    if existing is not None:
        raise ActivityError(
            _("%(n)s 已于 %(t)s 签到，不用重复签到。")
            % {"n": person.masked_name, "t": timezone.localtime(existing.checked_in_at).strftime("%H:%M")}
        )
    if activity.signup_required:
        if not SignUp.objects.filter(activity=activity, person=person, cancelled_at__isnull=True).exists():
            raise ActivityError(_("本活动需要提前报名，%(n)s 没有报名。") % {"n": person.masked_name})
    elif activity.capacity is not None and activity.checkins.count() >= activity.capacity:
        raise ActivityError(_("现场人数已达上限（%(n)d 人）。") % {"n": activity.capacity})
    return CheckIn.objects.create(
        district_id=person.district_id,
        activity=activity,
        person=person,
        checked_in_at=now,
        method=method,
        recorded_by=actor,
    )


def checkin_by_qr(
    *, activity: Activity, person: Person, token: str, actor, now: dt.datetime | None = None
) -> CheckIn:
    """The participant scanned the QR code on site: check the token, then record presence."""
    now = now or timezone.now()
    try:
        tokens.verify_token(activity, token, now)
    except tokens.TokenError as exc:
        raise ActivityError(str(exc)) from None
    return checkin_record(activity=activity, person=person, method=CheckInMethod.QR, actor=actor, now=now)


def checkin_by_code(*, activity: Activity, code: str, actor, now: dt.datetime | None = None) -> CheckIn:
    """The organiser scanned or typed the participant's personal code on site."""
    person = person_get_by_code(activity, code)
    return checkin_record(activity=activity, person=person, method=CheckInMethod.CODE, actor=actor, now=now)


def minutes_served(checked_in_at: dt.datetime, checked_out_at: dt.datetime, starts_at: dt.datetime) -> int:
    """Whole minutes from check-in (not before the start) to check-out."""
    begin = max(checked_in_at, starts_at)
    return max(0, int((checked_out_at - begin).total_seconds() // 60))


def checkout_set(*, checkin: CheckIn, at: dt.datetime) -> None:
    """Set the check-out time and the minutes served, inside the caller's transaction."""
    checkin.checked_out_at = max(at, checkin.checked_in_at)
    checkin.minutes = minutes_served(
        checkin.checked_in_at, checkin.checked_out_at, checkin.activity.starts_at
    )
    checkin.save(update_fields=["checked_out_at", "minutes"])


@transaction.atomic
def checkout_record(*, checkin: CheckIn, actor, now: dt.datetime | None = None) -> CheckIn:
    """Check a participant out; the minutes served are recorded now."""
    now = now or timezone.now()
    checkin = CheckIn.objects.select_for_update().select_related("activity", "person").get(pk=checkin.pk)
    if checkin.activity.status != ActivityStatus.PUBLISHED:
        raise ActivityError(
            _("活动状态为“%(s)s”，不能再签退。") % {"s": checkin.activity.get_status_display()}
        )
    if checkin.checked_out_at is not None:
        raise ActivityError(
            _("%(n)s 已于 %(t)s 签退。")
            % {
                "n": checkin.person.masked_name,
                "t": timezone.localtime(checkin.checked_out_at).strftime("%H:%M"),
            }
        )
    checkout_set(checkin=checkin, at=now)
    return checkin

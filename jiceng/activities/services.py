"""Writes of activities: publishing, sign-up, on-site check-in and check-out, closing with claims."""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.activities import tokens
from jiceng.activities.models import Activity, ActivityStatus, CheckIn, CheckInMethod, OrganizerKind, SignUp
from jiceng.core.audit import audit, snapshot
from jiceng.orgs.models import Kind, Organization
from jiceng.people.models import Person
from jiceng.regions.models import Level, Region

# Check-in opens an hour before the start, so people arriving early can check in.
CHECKIN_OPENS_BEFORE = dt.timedelta(minutes=60)


class ActivityError(Exception):
    """A write of an activity was refused; the message says what went wrong and what to do."""


def _local(when: dt.datetime) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M")


@transaction.atomic
def activity_publish(
    *,
    community: Region,
    organizer_kind: str,
    title: str,
    place: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    actor,
    organizer_org: Organization | None = None,
    alliance=None,
    action=None,
    description: str = "",
    capacity: int | None = None,
    signup_required: bool = False,
    now: dt.datetime | None = None,
) -> Activity:
    """Publish an activity of a community, a unit or an alliance."""
    now = now or timezone.now()
    if community.level != Level.COMMUNITY:
        raise ActivityError(_("请选择活动举办的社区。"))
    if not title.strip() or not place.strip():
        raise ActivityError(_("请填写活动名称和活动地点。"))
    if ends_at <= starts_at:
        raise ActivityError(_("结束时间要晚于开始时间。"))
    if ends_at <= now:
        raise ActivityError(_("结束时间已经过去了，请检查日期。"))
    if capacity is not None and capacity < 1:
        raise ActivityError(_("人数上限至少为 1；不限人数请留空。"))
    if organizer_kind == OrganizerKind.UNIT:
        if organizer_org is None or organizer_org.kind == Kind.PARTY:
            raise ActivityError(_("单位主办的活动要写明主办单位。"))
    elif organizer_kind == OrganizerKind.ALLIANCE:
        if alliance is None or not alliance.region.contains(community):
            raise ActivityError(_("联盟主办的活动要在联盟范围内的社区举办。"))
    elif organizer_kind != OrganizerKind.COMMUNITY:
        raise ActivityError(_("请选择主办方。"))
    if action is not None and (alliance is None or action.alliance_id != alliance.pk):
        raise ActivityError(_("对应的联盟任务不属于主办联盟。"))
    activity = Activity.objects.create(
        district_id=Region.objects.only("id").get(code=community.district_code).id,
        community=community,
        organizer_kind=organizer_kind,
        organizer_org=organizer_org,
        alliance=alliance,
        action=action,
        title=title.strip(),
        description=description.strip(),
        place=place.strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        signup_required=signup_required,
        published_by=actor,
    )
    audit(actor, "activities.publish", activity, after=snapshot(activity) | {"secret": None})
    return activity


def _locked(activity: Activity) -> Activity:
    return Activity.objects.select_for_update().get(pk=activity.pk)


@transaction.atomic
def signup_create(*, activity: Activity, person: Person, actor, now: dt.datetime | None = None) -> SignUp:
    """Sign a resident up, within the participant limit."""
    now = now or timezone.now()
    activity = _locked(activity)
    if activity.status != ActivityStatus.PUBLISHED or now >= activity.ends_at:
        raise ActivityError(_("活动已结束或已取消，不能报名。"))
    if SignUp.objects.filter(activity=activity, person=person, cancelled_at__isnull=True).exists():
        raise ActivityError(_("您已经报名了，活动当天到现场扫码签到即可。"))
    taken = SignUp.objects.filter(activity=activity, cancelled_at__isnull=True).count()
    if activity.capacity is not None and taken >= activity.capacity:
        raise ActivityError(
            _("报名人数已满（上限 %(n)d 人）。可以关注社区的其他活动。") % {"n": activity.capacity}
        )
    return SignUp.objects.create(activity=activity, person=person)


@transaction.atomic
def signup_cancel(*, signup: SignUp, actor, now: dt.datetime | None = None) -> SignUp:
    signup = SignUp.objects.select_for_update().get(pk=signup.pk)
    if signup.cancelled_at is not None:
        raise ActivityError(_("报名已经取消了。"))
    signup.cancelled_at = now or timezone.now()
    signup.save(update_fields=["cancelled_at"])
    return signup


def check_in_window(activity: Activity, now: dt.datetime) -> None:
    """Raise unless check-in is open: published, from an hour before the start until the end."""
    if activity.status != ActivityStatus.PUBLISHED:
        raise ActivityError(_("活动状态为“%(s)s”，不能签到。") % {"s": activity.get_status_display()})
    if now < activity.starts_at - CHECKIN_OPENS_BEFORE:
        raise ActivityError(
            _("活动还没开始，开始前 1 小时内才能签到（开始时间 %(t)s）。") % {"t": _local(activity.starts_at)}
        )
    if now > activity.ends_at:
        raise ActivityError(_("活动已经结束，不能再签到。"))


@transaction.atomic
def checkin_record(
    *, activity: Activity, person: Person, method: str, actor, now: dt.datetime | None = None
) -> CheckIn:
    """Record a participant as present. Callers prove presence first (QR token or personal code)."""
    now = now or timezone.now()
    activity = _locked(activity)
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
        activity=activity, person=person, checked_in_at=now, method=method, recorded_by=actor
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


def person_for_code(activity: Activity, code: str) -> Person:
    pk = tokens.person_id_from_code(code)
    person = (
        Person.objects.filter(pk=pk, district_id=activity.district_id, is_active=True).first() if pk else None
    )
    if person is None:
        raise ActivityError(_("个人码不正确。请让参加人打开“我的个人码”再扫一次，或核对后重新输入。"))
    return person


def checkin_by_code(*, activity: Activity, code: str, actor, now: dt.datetime | None = None) -> CheckIn:
    """The organiser scanned or typed the participant's personal code on site."""
    person = person_for_code(activity, code)
    return checkin_record(activity=activity, person=person, method=CheckInMethod.CODE, actor=actor, now=now)


def minutes_served(checked_in_at: dt.datetime, checked_out_at: dt.datetime, starts_at: dt.datetime) -> int:
    """Whole minutes from check-in (not before the start) to check-out."""
    begin = max(checked_in_at, starts_at)
    return max(0, int((checked_out_at - begin).total_seconds() // 60))


def _check_out(checkin: CheckIn, at: dt.datetime) -> None:
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
    _check_out(checkin, now)
    return checkin


@dataclass
class CloseResult:
    activity: Activity
    checked_out: int = 0
    claims: list = field(default_factory=list)


def _claims_module():
    try:
        from jiceng.bank.services import claims
    except ImportError:
        raise ActivityError(
            _("道德银行的活动积分申报功能还没有开通。可以先不勾选“申报积分”结束活动，开通后再申报。")
        ) from None
    return claims


@transaction.atomic
def activity_file_claims(*, activity: Activity, actor, now: dt.datetime | None = None) -> list:
    """File Moral Bank claims, in one step, for everyone who attended a closed activity."""
    now = now or timezone.now()
    activity = _locked(activity)
    if activity.status != ActivityStatus.CLOSED:
        raise ActivityError(_("活动结束后才能申报积分。"))
    if activity.claims_filed_at is not None:
        raise ActivityError(_("已于 %(t)s 为参加人申报过积分。") % {"t": _local(activity.claims_filed_at)})
    attendees = [
        (c.person, c.minutes)
        for c in activity.checkins.select_related("person").order_by("pk")
        if c.minutes and c.minutes > 0
    ]
    if not attendees:
        raise ActivityError(_("没有签到并签退的参加人，无需申报积分。"))
    bank = _claims_module()
    try:
        # Attendees the Moral Bank refuses (e.g. a cap reached) are skipped, not failed: see the count.
        claims = bank.claims_file_for_activity(
            activity_id=activity.pk,
            attendees=attendees,
            filed_by=actor,
            deed_date=timezone.localdate(activity.starts_at),
            text=_("参加活动“%(t)s”（%(p)s）") % {"t": activity.title, "p": activity.place},
        )
    except bank.ClaimError as exc:
        raise ActivityError(str(exc)) from None
    activity.claims_filed_at = now
    activity.claims_count = len(claims)
    activity.save(update_fields=["claims_filed_at", "claims_count"])
    audit(actor, "activities.file_claims", activity, after={"claims": [c.pk for c in claims]})
    return claims


@transaction.atomic
def activity_close(
    *, activity: Activity, actor, file_claims: bool = True, now: dt.datetime | None = None
) -> CloseResult:
    """End an activity: check out whoever is still in (at the end time), then file their claims."""
    now = now or timezone.now()
    activity = _locked(activity)
    if activity.status != ActivityStatus.PUBLISHED:
        raise ActivityError(_("活动状态为“%(s)s”，不能进行此操作。") % {"s": activity.get_status_display()})
    if now < activity.starts_at:
        raise ActivityError(_("活动还没开始，不能结束；如不再举办，请取消活动。"))
    result = CloseResult(activity)
    for checkin in activity.checkins.filter(checked_out_at__isnull=True).select_related("activity"):
        _check_out(checkin, min(now, activity.ends_at))
        result.checked_out += 1
    before = snapshot(activity)
    activity.status = ActivityStatus.CLOSED
    activity.closed_at = now
    activity.save(update_fields=["status", "closed_at"])
    audit(
        actor,
        "activities.close",
        activity,
        before=before | {"secret": None},
        after={"status": activity.status},
    )
    if file_claims and activity.checkins.filter(minutes__gt=0).exists():
        result.claims = activity_file_claims(activity=activity, actor=actor, now=now)
    return result


@transaction.atomic
def activity_cancel(*, activity: Activity, actor) -> Activity:
    activity = _locked(activity)
    if activity.status != ActivityStatus.PUBLISHED:
        raise ActivityError(_("活动状态为“%(s)s”，不能进行此操作。") % {"s": activity.get_status_display()})
    if activity.checkins.exists():
        raise ActivityError(_("已经有人签到，不能取消；请改为结束活动。"))
    activity.status = ActivityStatus.CANCELLED
    activity.closed_at = timezone.now()
    activity.save(update_fields=["status", "closed_at"])
    audit(actor, "activities.cancel", activity, after={"status": activity.status})
    return activity

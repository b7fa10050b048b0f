"""Writes of the end of an activity: closing it, and filing Moral Bank claims for those who attended.

The Moral Bank is a plain dependency: its public filing service turns each attendance
into a volunteer-service claim, which the community then reviews and puts on notice.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.activities.errors import ActivityError
from jiceng.activities.models import Activity, ActivityStatus
from jiceng.activities.services.activity import activity_lock, local_time
from jiceng.activities.services.checkin import checkout_set
from jiceng.bank.errors import ClaimError
from jiceng.bank.services.claims import claims_file_for_activity
from jiceng.core.audit import audit, snapshot


@dataclass
class CloseResult:
    activity: Activity
    checked_out: int = 0
    claims: list = field(default_factory=list)


@transaction.atomic
def activity_file_claims(*, activity: Activity, actor, now: dt.datetime | None = None) -> list:
    """File Moral Bank claims, in one step, for everyone who attended a closed activity."""
    now = now or timezone.now()
    activity = activity_lock(activity)
    if activity.status != ActivityStatus.CLOSED:
        raise ActivityError(_("活动结束后才能申报积分。"))
    if activity.claims_filed_at is not None:
        raise ActivityError(
            _("已于 %(t)s 为参加人申报过积分。") % {"t": local_time(activity.claims_filed_at)}
        )
    attendees = [
        (c.person, c.minutes)
        for c in activity.checkins.select_related("person").order_by("pk")
        if c.minutes and c.minutes > 0
    ]
    if not attendees:
        raise ActivityError(_("没有签到并签退的参加人，无需申报积分。"))
    try:
        # Attendees the Moral Bank refuses (e.g. a cap reached) are skipped, not failed: see the count.
        claims = claims_file_for_activity(
            activity_id=activity.pk,
            attendees=attendees,
            filed_by=actor,
            deed_date=timezone.localdate(activity.starts_at),
            text=_("参加活动“%(t)s”（%(p)s）") % {"t": activity.title, "p": activity.place},
        )
    except ClaimError as exc:
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
    activity = activity_lock(activity)
    if activity.status != ActivityStatus.PUBLISHED:
        raise ActivityError(_("活动状态为“%(s)s”，不能进行此操作。") % {"s": activity.get_status_display()})
    if now < activity.starts_at:
        raise ActivityError(_("活动还没开始，不能结束；如不再举办，请取消活动。"))
    result = CloseResult(activity)
    for checkin in activity.checkins.filter(checked_out_at__isnull=True).select_related("activity"):
        checkout_set(checkin=checkin, at=min(now, activity.ends_at))
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

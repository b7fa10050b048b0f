"""Writes of sign-up: a resident signs up ahead, within the participant limit, or cancels."""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.activities.errors import ActivityError
from jiceng.activities.models import Activity, ActivityStatus, SignUp
from jiceng.activities.services.activity import activity_lock
from jiceng.people.models import Person


@transaction.atomic
def signup_create(*, activity: Activity, person: Person, actor, now: dt.datetime | None = None) -> SignUp:
    """Sign a resident up, within the participant limit."""
    now = now or timezone.now()
    activity = activity_lock(activity)
    if activity.status != ActivityStatus.PUBLISHED or now >= activity.ends_at:
        raise ActivityError(_("活动已结束或已取消，不能报名。"))
    if SignUp.objects.filter(activity=activity, person=person, cancelled_at__isnull=True).exists():
        raise ActivityError(_("您已经报名了，活动当天到现场扫码签到即可。"))
    taken = SignUp.objects.filter(activity=activity, cancelled_at__isnull=True).count()
    if activity.capacity is not None and taken >= activity.capacity:
        raise ActivityError(
            _("报名人数已满（上限 %(n)d 人）。可以关注社区的其他活动。") % {"n": activity.capacity}
        )
    return SignUp.objects.create(district_id=person.district_id, activity=activity, person=person)


@transaction.atomic
def signup_cancel(*, signup: SignUp, actor, now: dt.datetime | None = None) -> SignUp:
    """Cancel a sign-up; the place is free again for someone else."""
    signup = SignUp.objects.select_for_update().get(pk=signup.pk)
    if signup.cancelled_at is not None:
        raise ActivityError(_("报名已经取消了。"))
    signup.cancelled_at = now or timezone.now()
    signup.save(update_fields=["cancelled_at"])
    return signup

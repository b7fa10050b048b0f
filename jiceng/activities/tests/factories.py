"""Builders for activity tests (the page helpers `get` and `post` come from the alliance's factories)."""

import datetime as dt

from django.utils import timezone

from jiceng.activities.models import Activity, CheckIn, CheckInMethod
from jiceng.regions.models import Region


def activity(community, publisher, starts_at, *, hours=2, **kw) -> Activity:
    """An activity written straight to the table (the publish service refuses past dates)."""
    return Activity.objects.create(
        district=Region.objects.get(code=community.district_code),
        community=community,
        organizer_kind=kw.pop("organizer_kind", "community"),
        title=kw.pop("title", "楼道清洁志愿服务"),
        place=kw.pop("place", "3 号院"),
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=hours),
        published_by=publisher,
        **kw,
    )


def attended(act: Activity, person, minutes: int, *, late: int = 0) -> CheckIn:
    start = act.starts_at + dt.timedelta(minutes=late)
    return CheckIn.objects.create(
        district_id=person.district_id,
        activity=act,
        person=person,
        checked_in_at=start,
        checked_out_at=start + dt.timedelta(minutes=minutes),
        minutes=minutes,
        method=CheckInMethod.QR,
        recorded_by=act.published_by,
    )


START = timezone.make_aware(dt.datetime(2026, 3, 10, 9, 0))


def minutes(n):
    return dt.timedelta(minutes=n)

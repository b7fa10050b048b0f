"""Demo activities, registered in the demo hooks after the alliance's loader (see apps.py).

In the first community of the first subdistrict: a past community activity with its
check-ins, an upcoming activity co-hosted by the subdistrict's alliance (for its
joint-activity action), and one that needs signing up. Once the service circle is loaded,
these are held at the community's first service place, with a second past activity there
two months ago, and a residents' room of the community last used five months ago is idle
(阵地空置), as are the other communities' places. The reported-in party members
attended the past one, so their service record is not empty. Each part is made only
when missing.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from jiceng.activities.models import Activity, ActivityStatus, CheckIn, CheckInMethod, OrganizerKind
from jiceng.alliance.models import Alliance, ReportIn, Track
from jiceng.circle.models import PlaceKind, ServicePlace
from jiceng.core.models import User
from jiceng.orgs.models import Kind, Organization
from jiceng.people.models import Person
from jiceng.regions.models import Level, Region


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, minute)))


def _attended(activity: Activity, person: Person, start: dt.datetime, method: str = CheckInMethod.QR) -> None:
    CheckIn.objects.create(
        district_id=person.district_id,
        activity=activity,
        person=person,
        checked_in_at=start,
        checked_out_at=activity.ends_at,
        minutes=int((activity.ends_at - start).total_seconds() // 60),
        method=method,
        recorded_by=activity.published_by,
    )


def _activities(community: Region, alliance: Alliance | None, actor, publisher, today: dt.date) -> None:
    if Activity.objects.filter(community__parent=community.parent).exists():
        return
    party = Organization.objects.filter(region=community, kind=Kind.PARTY).first()
    district = Region.objects.get(code=community.district_code)
    past = Activity.objects.create(
        district=district,
        community=community,
        organizer_kind=OrganizerKind.COMMUNITY,
        organizer_org=party,
        title="楼道清洁志愿服务",
        description="清理楼道堆放杂物，张贴消防安全提示。",
        place=f"{community.name}3 号院",
        starts_at=_at(today - dt.timedelta(days=12), 9),
        ends_at=_at(today - dt.timedelta(days=12), 11),
        capacity=20,
        status=ActivityStatus.CLOSED,
        published_by=publisher,
        closed_at=_at(today - dt.timedelta(days=12), 11, 30),
    )
    for i, person in enumerate(Person.objects.filter(community=community).order_by("pk")[:8]):
        _attended(past, person, past.starts_at + dt.timedelta(minutes=i * 3))
    if alliance is not None:
        Activity.objects.create(
            district=district,
            community=community,
            organizer_kind=OrganizerKind.ALLIANCE,
            alliance=alliance,
            action=alliance.actions.filter(track=Track.JOINT_ACTIVITY).first(),
            title="重阳节敬老志愿服务",
            description="为社区老人义诊、理发、测血压，表演文艺节目。",
            place=f"{community.name}党群服务中心",
            starts_at=_at(today + dt.timedelta(days=3), 9),
            ends_at=_at(today + dt.timedelta(days=3), 11, 30),
            capacity=30,
            signup_required=False,
            published_by=actor or publisher,
        )
    Activity.objects.create(
        district=district,
        community=community,
        organizer_kind=OrganizerKind.COMMUNITY,
        organizer_org=party,
        title="垃圾分类宣传",
        place=f"{community.name}小广场",
        starts_at=_at(today + dt.timedelta(days=8), 15),
        ends_at=_at(today + dt.timedelta(days=8), 17),
        signup_required=True,
        capacity=15,
        published_by=publisher,
    )


def _reported_in_attended(community: Region) -> None:
    """Each reported-in member who has attended nothing yet took part in the past activity."""
    past = Activity.objects.filter(community=community, status=ActivityStatus.CLOSED).first()
    if past is None:
        return
    for report in ReportIn.objects.filter(community=community).select_related("person").order_by("pk"):
        if not CheckIn.objects.filter(person=report.person).exists():
            _attended(past, report.person, past.starts_at, CheckInMethod.CODE)


def load_activities_demo(district: Region, progress: bool = False) -> None:
    today = timezone.localdate()
    sub = Region.objects.filter(parent=district, level=Level.SUBDISTRICT).order_by("code").first()
    community = (
        Region.objects.filter(parent=sub, level=Level.COMMUNITY).order_by("code").first() if sub else None
    )
    street = User.objects.filter(username="street").first()
    publisher = User.objects.filter(username="worker").first() or street
    if community is None or publisher is None:
        return
    with transaction.atomic():
        _activities(community, Alliance.objects.filter(region=sub).first(), street, publisher, today)
        _reported_in_attended(community)


def load_place_use_demo(district: Region, progress: bool = False) -> None:
    sub = Region.objects.filter(parent=district, level=Level.SUBDISTRICT).order_by("code").first()
    community = (
        Region.objects.filter(parent=sub, level=Level.COMMUNITY).order_by("code").first() if sub else None
    )
    place = ServicePlace.objects.filter(community=community).order_by("pk").first() if community else None
    if place is None or Activity.objects.filter(service_place__isnull=False, community=community).exists():
        return
    today = timezone.localdate()
    with transaction.atomic():
        Activity.objects.filter(community=community, service_place__isnull=True).update(
            service_place=place, place=place.name
        )
        earlier = Activity.objects.create(
            district=district,
            community=community,
            organizer_kind=OrganizerKind.COMMUNITY,
            organizer_org=Organization.objects.filter(region=community, kind=Kind.PARTY).first(),
            title="防范电信诈骗讲座",
            place=place.name,
            service_place=place,
            starts_at=_at(today - dt.timedelta(days=60), 14),
            ends_at=_at(today - dt.timedelta(days=60), 16),
            status=ActivityStatus.CLOSED,
            published_by=User.objects.filter(username="worker").first()
            or User.objects.order_by("pk").first(),
            closed_at=_at(today - dt.timedelta(days=60), 16, 30),
        )
        for i, person in enumerate(Person.objects.filter(community=community).order_by("-pk")[:5]):
            _attended(earlier, person, earlier.starts_at + dt.timedelta(minutes=i * 2))
        # A room of the community where nothing has been held since spring: an idle place (阵地空置).
        idle, _created = ServicePlace.objects.get_or_create(
            community=community,
            name=f"{community.name}居民活动室",
            defaults={
                "district": district,
                "kind": PlaceKind.OTHER,
                "lon": place.lon,
                "lat": place.lat,
                "services": "居民议事、文体活动",
            },
        )
        spring = Activity.objects.create(
            district=district,
            community=community,
            organizer_kind=OrganizerKind.COMMUNITY,
            organizer_org=earlier.organizer_org,
            title="居民议事会",
            place=idle.name,
            service_place=idle,
            starts_at=_at(today - dt.timedelta(days=150), 19),
            ends_at=_at(today - dt.timedelta(days=150), 20, 30),
            status=ActivityStatus.CLOSED,
            published_by=earlier.published_by,
            closed_at=_at(today - dt.timedelta(days=150), 21),
        )
        for person in Person.objects.filter(community=community).order_by("pk")[:3]:
            _attended(spring, person, spring.starts_at)

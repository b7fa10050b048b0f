"""How the service places are used: activities and check-ins per place, and idle places (阵地空置)."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q, QuerySet
from django.utils import timezone

from jiceng.activities.models import Activity, ActivityStatus
from jiceng.circle.models import ServicePlace
from jiceng.circle.queries.places import place_list_for

# A place is idle when no activity was held there for a quarter.
IDLE_DAYS = 91


@dataclass
class PlaceUse:
    place: ServicePlace
    activities: int  # held in the last IDLE_DAYS
    checkins: int  # check-ins at those activities
    last_held: dt.datetime | None  # start of the latest activity held there, ever

    @property
    def idle(self) -> bool:
        return self.activities == 0


@dataclass
class MonthUse:
    month: dt.date
    activities: int = 0
    checkins: int = 0


@dataclass
class PlaceHistory:
    place: ServicePlace
    months: list[MonthUse] = field(default_factory=list)


def _held(now: dt.datetime):
    """Activities that took place (not cancelled) and had begun by ``now``."""
    return Activity.objects.exclude(status=ActivityStatus.CANCELLED).filter(starts_at__lte=now)


def place_use_list(user, now: dt.datetime | None = None, *, idle_only: bool = False) -> list[PlaceUse]:
    """Every place in the user's scope with its use over the last quarter."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=IDLE_DAYS)
    held = _held(now)
    recent = held.filter(starts_at__gt=since)
    places = list(place_list_for(user))
    ids = [p.pk for p in places]
    counts = {
        row["service_place"]: row
        for row in recent.filter(service_place__in=ids)
        .values("service_place")
        .annotate(n=Count("id", distinct=True), c=Count("checkins", distinct=True))
    }
    last = dict(
        held.filter(service_place__in=ids)
        .values("service_place")
        .annotate(m=Max("starts_at"))
        .values_list("service_place", "m")
    )
    uses = [
        PlaceUse(
            place=p,
            activities=counts.get(p.pk, {}).get("n", 0),
            checkins=counts.get(p.pk, {}).get("c", 0),
            last_held=last.get(p.pk),
        )
        for p in places
    ]
    return [u for u in uses if u.idle] if idle_only else uses


def place_list_idle(places: QuerySet[ServicePlace], now: dt.datetime | None = None) -> QuerySet[ServicePlace]:
    """The places among `places` where no activity was held in the IDLE_DAYS up to `now`."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=IDLE_DAYS)
    used = _held(now).filter(starts_at__gt=since, service_place__isnull=False)
    return places.exclude(Q(pk__in=used.values("service_place")))


def place_count_idle(user, now: dt.datetime | None = None) -> int:
    """Places in the user's scope where no activity was held for a quarter."""
    return place_list_idle(place_list_for(user), now).count()


def _month_start(day: dt.date) -> dt.date:
    return day.replace(day=1)


def place_history_get(
    place: ServicePlace, now: dt.datetime | None = None, *, months: int = 12
) -> PlaceHistory:
    """Activities held and check-ins at a place per calendar month (local time), latest month first."""
    now = now or timezone.now()
    first = _month_start(timezone.localdate(now))
    starts = [first]
    for _ in range(months - 1):
        starts.append(_month_start(starts[-1] - dt.timedelta(days=1)))
    by_month = {m: MonthUse(month=m) for m in starts}
    since = timezone.make_aware(dt.datetime.combine(starts[-1], dt.time.min))
    rows = (
        _held(now)
        .filter(service_place=place, starts_at__gte=since)
        .annotate(c=Count("checkins"))
        .values_list("starts_at", "c")
    )
    for starts_at, checkins in rows:
        use = by_month.get(_month_start(timezone.localtime(starts_at).date()))
        if use is not None:
            use.activities += 1
            use.checkins += checkins
    return PlaceHistory(place=place, months=[by_month[m] for m in starts])

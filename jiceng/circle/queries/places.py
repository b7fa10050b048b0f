"""The service places and candidate sites a member of staff sees."""

from django.db.models import QuerySet

from jiceng.circle.models import CandidateSite, PlaceKind, ServicePlace
from jiceng.core.scope import scoped


def place_list_for(user, *, kind: str = "") -> QuerySet[ServicePlace]:
    """Places in the communities under the user's regions, by community, kind and name."""
    places = scoped(user, ServicePlace.objects.select_related("community"), region="community")
    if kind in PlaceKind.values:
        places = places.filter(kind=kind)
    return places.order_by("community__code", "kind", "name")


def candidate_list_for(user) -> list[tuple[str, float, float]]:
    """(name, lon, lat) of the candidate sites in the user's scope, in the order they were added."""
    sites = scoped(user, CandidateSite.objects.all(), region="community").order_by("id")
    return [(s.name, s.lon, s.lat) for s in sites]


def candidate_exists_for(user) -> bool:
    return scoped(user, CandidateSite.objects.all(), region="community").exists()


def place_list_in(communities) -> QuerySet[ServicePlace]:
    """The service places of the given communities (what an activity may be held at)."""
    return ServicePlace.objects.filter(community__in=communities).select_related("community")

"""Reads of the three lists: suggesting resources for a need."""

from dataclasses import dataclass

from django.db.models import QuerySet

from jiceng.alliance.geo import haversine_m
from jiceng.alliance.models import Need, Resource


@dataclass
class Match:
    resource: Resource
    distance_m: float | None  # None when either side has no location at all

    @property
    def distance_label(self) -> str:
        if self.distance_m is None:
            return "—"
        if self.distance_m < 1000:
            return f"{self.distance_m:.0f} m"
        return f"{self.distance_m / 1000:.1f} km"


def suggest_resources(need: Need, candidates: QuerySet[Resource], limit: int = 10) -> list[Match]:
    """Active resources of the need's category, nearest first.

    Each side is placed at its own coordinates when it has them, else at its community's
    centre; resources that cannot be placed at all come last.
    """
    rows = candidates.filter(
        category=need.category, is_active=True, district_id=need.district_id
    ).select_related("community", "organization")
    here = need.point
    matches = []
    for resource in rows:
        there = resource.point
        matches.append(Match(resource, haversine_m(here, there) if here and there else None))
    matches.sort(key=lambda m: (m.distance_m is None, m.distance_m or 0.0, m.resource.pk))
    return matches[:limit]

"""Reads of the three lists: suggesting resources for a need, who leads a project, who rates it."""

from dataclasses import dataclass

from django.db.models import QuerySet

from jiceng.alliance.geo import haversine_m
from jiceng.alliance.models import Need, Project, Resource
from jiceng.core.scope import scope_for
from jiceng.orgs.models import Organization
from jiceng.regions.models import Level


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


def resource_list_suggested(need: Need, candidates: QuerySet[Resource], limit: int = 10) -> list[Match]:
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


def organization_list_project_owners(need: Need) -> QuerySet[Organization]:
    """Who may lead a project for the need: any active organisation of the need's subdistrict."""
    return Organization.objects.filter(
        need.community.subtree_q("region", level=Level.SUBDISTRICT), is_active=True
    ).order_by("kind", "name")


def project_may_rate(user, project: Project) -> bool:
    """The requester rates: the resident who asked, or the community's workers for a community need."""
    need = project.need
    if need.requester_id is not None:
        return getattr(user, "person_id", None) == need.requester_id
    return scope_for(user).works_in(need.community_id)

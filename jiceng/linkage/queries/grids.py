"""Reading grids: which grids a user sees, their figures, and a grid worker's own work.

Service-circle coverage per grid comes from the circle's residential points that carry the
grid (`ResidentialPoint.grid`), under the default circle: a 15-minute walk to any kind of place.

A grid is a Region, so `scoped()` finds the grids under a staff member's regions and a grid
worker's own grid. People, needs and claims are keyed by community, not grid, so they reach a
grid through the household: Person → Household → GridHousehold.
"""

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet

from jiceng.alliance.models import Need, NeedStatus
from jiceng.bank.models import ClaimState, DeedClaim
from jiceng.circle.queries.district import Figures
from jiceng.circle.queries.figures import grid_coverage_list
from jiceng.core.models import Role, RoleGrant
from jiceng.core.scope import scope_for, scoped
from jiceng.people.models import Household, Person
from jiceng.regions.models import Level, Region

MANAGERS = (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN, Role.COMMUNITY_WORKER)
WAITING = (ClaimState.SUBMITTED, ClaimState.UNDER_REVIEW)


@dataclass
class GridFigures:
    grid: Region
    worker: str
    households: int
    residents: int
    party_members: int
    needs_open: int
    needs_resolved: int
    claims_waiting: int
    circle: Figures  # the grid's residential points and their 15-minute coverage


def grid_list_managed(user) -> QuerySet[Region]:
    """Grids under the user's district, subdistrict or community."""
    grids = Region.objects.filter(level=Level.GRID, is_active=True).select_related("parent")
    return scoped(user, grids, region="", roles=MANAGERS)


def grid_list_worked(user) -> list[Region]:
    """The grids the user is the grid worker of."""
    return [r for r in scope_for(user).regions_for((Role.GRID_WORKER,)) if r.level == Level.GRID]


def grid_get_visible(user, code: str) -> Region | None:
    """A grid the user manages or works in, or None."""
    grid = grid_list_managed(user).filter(code=code).first()
    if grid is None:
        grid = next((g for g in grid_list_worked(user) if g.code == code), None)
    return grid


def grid_persons(grid: Region) -> QuerySet[Person]:
    return Person.objects.filter(household__grid_link__grid=grid, is_active=True)


def grid_households(grid: Region) -> QuerySet[Household]:
    return Household.objects.filter(grid_link__grid=grid).annotate(
        residents=Count("members", filter=Q(members__is_active=True))
    )


def household_list_movable(grid: Region) -> QuerySet[Household]:
    """Households of the grid's community not in this grid: in none yet first, then those of other grids."""
    return (
        Household.objects.filter(community_id=grid.parent_id)
        .exclude(grid_link__grid=grid)
        .select_related("grid_link__grid")
        .order_by(F("grid_link").asc(nulls_first=True), "number")
    )


def grid_needs(grid: Region) -> QuerySet[Need]:
    return Need.objects.filter(requester__household__grid_link__grid=grid)


def grid_claims_waiting(grid: Region) -> QuerySet[DeedClaim]:
    """Claims of the grid's residents still waiting for review: the grid worker can vouch for them."""
    return DeedClaim.objects.filter(
        claimant__household__grid_link__grid=grid, state__in=WAITING
    ).select_related("claimant", "rule")


def grid_worker_names(grids) -> dict[int, str]:
    grants = RoleGrant.objects.filter(role=Role.GRID_WORKER, region__in=grids).select_related("user")
    return {g.region_id: str(g.user) for g in grants}


def grid_figures_list(grids) -> list[GridFigures]:
    """Figures per grid, a few grouped queries for the whole list."""
    grids = list(grids)
    ids = [g.pk for g in grids]
    people = Person.objects.filter(household__grid_link__grid_id__in=ids, is_active=True)
    residents = dict(
        people.values("household__grid_link__grid")
        .annotate(n=Count("pk"))
        .values_list("household__grid_link__grid", "n")
    )
    members = dict(
        people.filter(party_membership__isnull=False)
        .values("household__grid_link__grid")
        .annotate(n=Count("pk"))
        .values_list("household__grid_link__grid", "n")
    )
    households = dict(
        Household.objects.filter(grid_link__grid_id__in=ids)
        .values("grid_link__grid")
        .annotate(n=Count("pk"))
        .values_list("grid_link__grid", "n")
    )
    key = "requester__household__grid_link__grid"
    needs = Need.objects.filter(**{f"{key}__in": ids})
    open_ = dict(
        needs.exclude(status__in=[NeedStatus.RESOLVED, NeedStatus.WITHDRAWN])
        .values(key)
        .annotate(n=Count("pk"))
        .values_list(key, "n")
    )
    resolved = dict(
        needs.filter(status=NeedStatus.RESOLVED).values(key).annotate(n=Count("pk")).values_list(key, "n")
    )
    ckey = "claimant__household__grid_link__grid"
    claims = dict(
        DeedClaim.objects.filter(**{f"{ckey}__in": ids}, state__in=WAITING)
        .values(ckey)
        .annotate(n=Count("pk"))
        .values_list(ckey, "n")
    )
    workers = grid_worker_names(grids)
    circle = grid_coverage_list(grids)
    return [
        GridFigures(
            grid=g,
            worker=workers.get(g.pk, ""),
            households=households.get(g.pk, 0),
            residents=residents.get(g.pk, 0),
            party_members=members.get(g.pk, 0),
            needs_open=open_.get(g.pk, 0),
            needs_resolved=resolved.get(g.pk, 0),
            claims_waiting=claims.get(g.pk, 0),
            circle=circle[g.code],
        )
        for g in grids
    ]

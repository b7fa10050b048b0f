"""The part of the region tree a user works in."""

from django.db.models import QuerySet

from jiceng.core.scope import scoped
from jiceng.regions.models import Level, Region

# The levels a person registers things under (a grid belongs to a community's own work).
ADMIN_LEVELS = (Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY)


def region_list_for(user, *, active_only: bool = False) -> QuerySet[Region]:
    """The districts, subdistricts and communities in the user's scope, in code order."""
    regions = Region.objects.filter(level__in=ADMIN_LEVELS)
    if active_only:
        regions = regions.active()
    return scoped(user, regions, region="")

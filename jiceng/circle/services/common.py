"""What the imports of the service circle share: the importer's communities and district."""

from collections.abc import Callable

from jiceng.regions.models import Level, Region

Progress = Callable[[int, int], None] | None


def community_map(scope_region: Region) -> dict[str, Region]:
    return {
        r.code: r
        for r in Region.objects.filter(scope_region.subtree_q(), level=Level.COMMUNITY, is_active=True)
    }


def district_of(region: Region) -> Region:
    return Region.objects.get(code=region.district_code)


def grid_map(scope_region: Region) -> dict[str, Region]:
    """The active grids under the importer's region, by their 15-digit code."""
    return {
        r.code: r
        for r in Region.objects.filter(
            scope_region.subtree_q(), level=Level.GRID, is_active=True
        ).select_related("parent")
    }

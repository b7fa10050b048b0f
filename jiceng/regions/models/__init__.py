"""The region tree (see `region.py`): every scope in Jiceng is a subtree of it."""

from jiceng.regions.models.region import (
    CHILD_LEVEL,
    LEVEL_ORDER,
    PREFIX_LEN,
    Level,
    Region,
    RegionQuerySet,
    ancestor_code,
    prefix_range,
    subtree_q,
)

__all__ = [
    "CHILD_LEVEL",
    "LEVEL_ORDER",
    "PREFIX_LEN",
    "Level",
    "Region",
    "RegionQuerySet",
    "ancestor_code",
    "prefix_range",
    "subtree_q",
]

"""Coverage of the 15-minute service circle, and where to add service places.

A resident is covered when a party-and-public service place lies within the walking
limit (GB 50180-2018: a 15-minute walk, 1000 m by default) over the walking network.

Snapping. Residents and places are given as WGS-84 points and attached to their
nearest network node ("snapping"). A point is left out, with a reason, when its
coordinates are invalid, when it lies outside the bounding box of the network (the
network data ends there, so the nearest place could be on the far side of the edge
and the answer would be a guess), or when the nearest node is farther than
``max_snap_m``. Nodes of small islands (components with fewer than
``min_component_nodes`` nodes, other than the largest component) are never snapped
to: a footpath fragment cut off by the extract boundary would otherwise capture a
resident or a place and make it unreachable.

Snap distances. With ``include_snap_distance=True`` (the default) the straight-line
snap distance of the resident and of the place are both added to the network
distance, because the resident really walks from the door to the street and from the
street to the place. With ``False`` only the network distance between the snapped
nodes counts.

Population outside the network counts in the total but is never covered, so the
coverage percentage is not flattered by data that could not be placed.
"""

from jiceng.circle.coverage.common import (
    DEFAULT_LIMIT_M,
    DEFAULT_MAX_SNAP_M,
    DEFAULT_MIN_COMPONENT_NODES,
    DEFAULT_WALK_SPEED_M_PER_MIN,
    DISTANCE_TOLERANCE_M,
    SNAP_INVALID,
    SNAP_OK,
    SNAP_OUTSIDE_EXTENT,
    SNAP_TOO_FAR,
    limit_from_minutes,
)
from jiceng.circle.coverage.figures import GroupCoverage, coverage_by_group
from jiceng.circle.coverage.recommendation import Recommendation, SitePick, recommend_sites
from jiceng.circle.coverage.search import CoverageResult, compute_coverage
from jiceng.circle.coverage.snapping import SnapResult, snap_points

__all__ = [
    "DEFAULT_LIMIT_M",
    "DEFAULT_MAX_SNAP_M",
    "DEFAULT_MIN_COMPONENT_NODES",
    "DEFAULT_WALK_SPEED_M_PER_MIN",
    "DISTANCE_TOLERANCE_M",
    "SNAP_INVALID",
    "SNAP_OK",
    "SNAP_OUTSIDE_EXTENT",
    "SNAP_TOO_FAR",
    "CoverageResult",
    "GroupCoverage",
    "Recommendation",
    "SitePick",
    "SnapResult",
    "compute_coverage",
    "coverage_by_group",
    "limit_from_minutes",
    "recommend_sites",
    "snap_points",
]

"""Writes of the 15-minute service circle: the walking network, places, residential points.

Imports follow the rule of every import in Jiceng: each row is checked first, and a
file with any bad row writes nothing and lists every bad row as "第 N 行：reason".
"""

from jiceng.circle.errors import CircleError, ImportRejected
from jiceng.circle.services.network import network_import, network_store
from jiceng.circle.services.places import (
    PLACE_COLUMNS,
    PLACE_REQUIRED,
    PlaceImportSummary,
    place_photo_add,
    places_import,
)
from jiceng.circle.services.points import POINT_COLUMNS, POINT_REQUIRED, PointImportSummary, points_import

__all__ = [
    "PLACE_COLUMNS",
    "PLACE_REQUIRED",
    "POINT_COLUMNS",
    "POINT_REQUIRED",
    "CircleError",
    "ImportRejected",
    "PlaceImportSummary",
    "PointImportSummary",
    "network_import",
    "network_store",
    "place_photo_add",
    "places_import",
    "points_import",
]

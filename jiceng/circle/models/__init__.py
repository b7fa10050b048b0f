"""The 15-minute service circle: service places, residential points and the walking network.

Coordinates are WGS-84 longitude and latitude in degrees. The walking network itself
lives in one ``.npz`` file per district (see :mod:`jiceng.circle.network`); the
database keeps only its record.
"""

from jiceng.circle.models.network import WalkNetwork, network_dir
from jiceng.circle.models.places import (
    CandidateSite,
    PlaceKind,
    PlacePhoto,
    ServicePlace,
    hours_display,
    hours_open_at,
    split_services,
)
from jiceng.circle.models.points import PERSONS_PER_HOUSEHOLD, PointSource, ResidentialPoint, point_population

__all__ = [
    "PERSONS_PER_HOUSEHOLD",
    "CandidateSite",
    "PlaceKind",
    "PlacePhoto",
    "PointSource",
    "ResidentialPoint",
    "ServicePlace",
    "WalkNetwork",
    "hours_display",
    "hours_open_at",
    "network_dir",
    "point_population",
    "split_services",
]

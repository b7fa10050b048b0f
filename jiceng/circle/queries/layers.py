"""What the service-circle map draws: places, residential points and the walking network.

Only what lies in the user's scope is sent, and for the visible area only, so the
page stays light on a district of any size.
"""

from __future__ import annotations

import numpy as np

from jiceng.circle.coverage import DISTANCE_TOLERANCE_M
from jiceng.circle.drawing import bbox_mask, grow, street_segments
from jiceng.circle.queries.district import HORIZON_FACTOR, DistrictCoverage
from jiceng.circle.queries.figures import place_mask, point_mask
from jiceng.regions.models import Level, Region

MAX_EDGES = 5000
MAX_POINTS = 6000


def map_layers_get(cov: DistrictCoverage, region: Region, bbox=None) -> dict:
    """Everything the map draws for ``region``, inside ``bbox`` (w, s, e, n) where given."""
    limit = cov.params.limit_m
    places = []
    pmask = place_mask(cov, region)
    for i in np.flatnonzero(pmask).tolist():
        places.append(
            {
                "id": cov.places.ids[i],
                "name": cov.places.names[i],
                "kind": cov.places.kinds[i],
                "lat": round(float(cov.places.lonlat[i, 1]), 6),
                "lon": round(float(cov.places.lonlat[i, 0]), 6),
                "hours": cov.places.hours[i],
                "services": cov.places.services[i],
                "address": cov.places.addresses[i],
                "counted": bool(cov.places.counted[i]),
            }
        )

    mask = point_mask(cov, region)
    in_view = np.flatnonzero(mask & bbox_mask(cov.points.lonlat, grow(bbox, 0.05)))
    truncated = in_view.shape[0] > MAX_POINTS
    if truncated:
        # Keep the most populous points, which matter most and are fewest.
        in_view = in_view[np.argsort(-cov.points.population[in_view], kind="stable")[:MAX_POINTS]]
    community_names: list[str] = []
    community_index: dict[str, int] = {}
    place_names: dict[int, str] = {}
    rows = []
    for i in in_view.tolist():
        code = cov.points.community_codes[i]
        if code not in community_index:
            community_index[code] = len(community_names)
            r = cov.regions.get(code)
            community_names.append(r.name if r else "")
        d = cov.distance_m[i]
        j = int(cov.nearest[i])
        if j >= 0:
            place_names.setdefault(j, cov.places.names[j])
        rows.append(
            [
                round(float(cov.points.lonlat[i, 1]), 6),
                round(float(cov.points.lonlat[i, 0]), 6),
                int(cov.points.population[i]),
                round(float(d)) if np.isfinite(d) else None,
                j,
                cov.points.buildings[i],
                community_index[code],
            ]
        )
    return {
        "limit_m": limit,
        "horizon_m": limit * HORIZON_FACTOR,
        "has_network": cov.graph is not None,
        "places": places,
        "points": {
            "rows": rows,
            "communities": community_names,
            "place_names": {str(k): v for k, v in place_names.items()},
            "truncated": bool(truncated),
            "stand_in": cov.points.stand_in,
        },
        "network": map_network_get(cov, grow(bbox, 0.1)) if cov.graph is not None else None,
    }


def map_network_get(cov: DistrictCoverage, bbox=None, max_edges: int = MAX_EDGES) -> dict:
    """The walking network inside ``bbox``, split into covered and other streets (see
    :func:`jiceng.circle.drawing.street_segments`)."""
    reached = cov.result.node_distance_m <= cov.params.limit_m + DISTANCE_TOLERANCE_M
    seg, covered, simplified = street_segments(cov.graph, reached, bbox, max_edges)
    seg = np.round(seg, 5)

    def lines(mask):
        return [[[r[0], r[1]], [r[2], r[3]]] for r in seg[mask].tolist()]

    return {"covered": lines(covered), "other": lines(~covered), "simplified": bool(simplified)}


def map_bounds_get(cov: DistrictCoverage, region: Region) -> list[list[float]] | None:
    """[[south, west], [north, east]] around the region's places and points, for the map's first view."""
    parts = [cov.places.lonlat[place_mask(cov, region)], cov.points.lonlat[point_mask(cov, region)]]
    pts = np.concatenate([p for p in parts if p.size] or [np.zeros((0, 2))])
    if pts.shape[0] == 0:
        if cov.network is not None and region.level == Level.DISTRICT:
            return [[cov.network.min_lat, cov.network.min_lon], [cov.network.max_lat, cov.network.max_lon]]
        if region.lon is not None:
            return [[region.lat - 0.01, region.lon - 0.01], [region.lat + 0.01, region.lon + 0.01]]
        return None
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    return [[float(lo[1]), float(lo[0])], [float(hi[1]), float(hi[0])]]

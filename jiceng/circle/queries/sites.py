"""Where new service places would cover the most residents, among the network or candidate sites."""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np

from jiceng.circle.coverage import recommend_sites
from jiceng.circle.network import LocalProjection
from jiceng.circle.queries.district import DistrictCoverage
from jiceng.circle.queries.figures import code_in_region, point_mask
from jiceng.regions.models import Level, Region


@dataclass
class Pick:
    rank: int
    lon: float
    lat: float
    name: str
    near: str
    gain: float
    covered_population: float
    percentage: float | None


@dataclass
class RecommendReport:
    k: int
    picks: list[Pick]
    total_population: float
    base_covered_population: float
    from_candidates: bool
    candidates_outside: int = 0

    @property
    def base_percentage(self) -> float | None:
        if self.total_population <= 0:
            return None
        return 100.0 * self.base_covered_population / self.total_population

    @property
    def percentage(self) -> float | None:
        if self.total_population <= 0:
            return None
        covered = self.picks[-1].covered_population if self.picks else self.base_covered_population
        return 100.0 * covered / self.total_population


_rec_lock = threading.Lock()
_recommendations: OrderedDict[tuple, RecommendReport] = OrderedDict()


def site_recommend(
    cov: DistrictCoverage,
    region: Region,
    k: int,
    candidates: list[tuple[str, float, float]] | None = None,
    progress: bool = False,
) -> RecommendReport | None:
    """Greedy choice of up to ``k`` new sites covering the most uncovered residents of ``region``.

    Sites are chosen among ``candidates`` ((name, lon, lat) each) when given, else
    among every node of the walking network. Existing places that pass the filters
    count, wherever they are in the district. None when there is no network.
    """
    if cov.graph is None:
        return None
    key = (
        cov.cache_key or id(cov),
        region.code,
        int(k),
        tuple(candidates) if candidates is not None else None,
    )
    with _rec_lock:
        hit = _recommendations.get(key)
        if hit is not None:
            return hit
    mask = point_mask(cov, region)
    total = float(cov.points.population[mask].sum())
    base = float(cov.points.population[mask & cov.covered].sum())
    counted = cov.places.lonlat[cov.places.counted]
    cand = None if candidates is None else np.array([[c[1], c[2]] for c in candidates], dtype=np.float64)
    report = RecommendReport(
        k=k, picks=[], total_population=total, base_covered_population=base, from_candidates=cand is not None
    )
    if total > base and k > 0 and (cand is None or len(cand)):
        rec = recommend_sites(
            cov.graph,
            counted,
            cov.points.lonlat[mask],
            cov.points.population[mask],
            candidates=cand,
            k=k,
            limit_m=cov.params.limit_m,
            progress=progress,
        )
        if rec.candidates is not None:
            report.candidates_outside = int(rec.candidates.outside.sum())
        near = _nearest_region_name(cov, region)
        for p in rec.picks:
            report.picks.append(
                Pick(
                    rank=p.rank,
                    lon=p.lon,
                    lat=p.lat,
                    name=candidates[p.candidate][0] if candidates is not None else "",
                    near=near(p.lon, p.lat),
                    gain=p.gain,
                    covered_population=p.covered_population,
                    percentage=p.percentage,
                )
            )
    with _rec_lock:
        _recommendations[key] = report
        while len(_recommendations) > 16:
            _recommendations.popitem(last=False)
    return report


def _nearest_region_name(cov: DistrictCoverage, region: Region):
    communities = [
        r
        for r in cov.regions.values()
        if r.level == Level.COMMUNITY and r.lon is not None and code_in_region(r.code, region)
    ]
    if not communities:
        return lambda lon, lat: ""
    proj = LocalProjection(cov.district.lon or communities[0].lon, cov.district.lat or communities[0].lat)
    xy = proj.forward([c.lon for c in communities], [c.lat for c in communities])

    def near(lon, lat):
        p = proj.forward([lon], [lat])[0]
        return communities[int(np.argmin(((xy - p) ** 2).sum(axis=1)))].name

    return near

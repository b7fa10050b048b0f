"""A region's share of its district's coverage: totals, the tree of figures, uncovered points.

A user's figures are the district's figures restricted to the regions in their scope.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np

from jiceng.circle.queries.district import DistrictCoverage, Figures, coverage_get
from jiceng.circle.queries.params import CircleParams
from jiceng.regions.models import PREFIX_LEN, Level, Region


def code_in_region(code: str, region: Region) -> bool:
    if region.level == Level.DISTRICT:
        return True  # points without a community belong to the district
    return bool(code) and code.startswith(region.prefix)


def point_mask(cov: DistrictCoverage, region: Region) -> np.ndarray:
    return np.array([code_in_region(c, region) for c in cov.points.community_codes], dtype=bool)


def place_mask(cov: DistrictCoverage, region: Region) -> np.ndarray:
    return np.array([code_in_region(c, region) for c in cov.places.community_codes], dtype=bool)


# Figures are summed once per code prefix of these lengths (subdistricts, communities).
_INDEXED_PREFIXES = (PREFIX_LEN[Level.SUBDISTRICT], PREFIX_LEN[Level.COMMUNITY])


def _empty(cov: DistrictCoverage, region: Region) -> Figures:
    return Figures(
        code=region.code,
        name=region.name,
        level=region.level,
        covered_population=0.0 if cov.result is not None else None,
    )


def _prefix_totals(cov: DistrictCoverage) -> dict:
    """The communities' figures summed per subdistrict and community prefix, and for the
    district (key None), each in the order of ``by_community``, so that every sum is
    the one a scan of the communities would make. Kept on the coverage (it never changes)."""

    def build():
        zero = Figures(code="", name="", level="", covered_population=0.0 if cov.result is not None else None)
        totals: dict = {None: dataclasses.replace(zero)}
        for code, f in cov.by_community.items():
            totals[None].add(f)
            if not code:
                continue
            for n in _INDEXED_PREFIXES:
                if len(code) >= n:
                    totals.setdefault(code[:n], dataclasses.replace(zero)).add(f)
        return totals

    return cov.memo("prefix_totals", build)


def figures_get(cov: DistrictCoverage, region: Region) -> Figures:
    total = _empty(cov, region)
    if region.level == Level.DISTRICT or len(region.prefix) in _INDEXED_PREFIXES:
        found = _prefix_totals(cov).get(None if region.level == Level.DISTRICT else region.prefix)
        if found is not None:
            total.add(found)
        return total
    for code, f in cov.by_community.items():
        if code_in_region(code, region):
            total.add(f)
    return total


def figures_list_grids(cov: DistrictCoverage, grids) -> dict[str, Figures]:
    """Figures of each grid's residential points, by grid code.

    A grid without points gets empty figures (population 0, no percentage); points count in a
    grid only when the import or the demo gave them one, so a grid's figures never guess.
    """
    out = {}
    for grid in grids:
        f = cov.by_grid.get(grid.code)
        if f is None:
            f = Figures(
                code=grid.code,
                name=grid.name,
                level=Level.GRID,
                covered_population=0.0 if cov.result is not None else None,
            )
        else:
            f = dataclasses.replace(f, name=grid.name)
        out[grid.code] = f
    return out


def grid_coverage_list(grids) -> dict[str, Figures]:
    """Figures of each grid under the default circle (a 15-minute walk to any kind of place).

    Coverage is computed for each grid's whole district (cached), as on the circle's pages.
    """
    by_district: dict[str, list[Region]] = {}
    for grid in grids:
        by_district.setdefault(grid.district_code, []).append(grid)
    out: dict[str, Figures] = {}
    for code, mine in by_district.items():
        cov = coverage_get(Region.objects.get(code=code), CircleParams())
        out.update(figures_list_grids(cov, mine))
    return out


def figures_list_children(cov: DistrictCoverage, region: Region) -> list[Figures]:
    """Figures of each subdistrict of a district, or each community of a subdistrict."""
    if region.level not in (Level.DISTRICT, Level.SUBDISTRICT):
        return []
    children = Region.objects.filter(parent=region, is_active=True).order_by("code")
    rows = [figures_get(cov, child) for child in children]
    if region.level == Level.DISTRICT and "" in cov.by_community:
        rows.append(dataclasses.replace(cov.by_community[""]))
    return rows


def figures_list_tree(cov: DistrictCoverage, region: Region) -> list[Figures]:
    """The region's figures, then every subdistrict and community under it, in code order."""
    regions = Region.objects.filter(
        region.subtree_q(),
        level__in=[Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY],
        is_active=True,
    ).order_by("code")
    rows = [figures_get(cov, r) for r in regions]
    if region.level == Level.DISTRICT and "" in cov.by_community:
        rows.append(dataclasses.replace(cov.by_community[""]))
    return rows


@dataclass
class UncoveredPoint:
    index: int
    id: int | None
    building: str
    community: str
    lon: float
    lat: float
    households: int | None
    residents: int | None
    population: float
    distance_m: float | None
    nearest_place: str
    reason: str


def point_list_uncovered(
    cov: DistrictCoverage, region: Region, limit: int | None = None
) -> list[UncoveredPoint]:
    """Residential points in the region that no counted place covers, most populous first."""
    if cov.result is None:
        return []
    idx = np.flatnonzero(point_mask(cov, region) & ~cov.covered & (cov.points.population > 0))
    idx = idx[np.argsort(-cov.points.population[idx], kind="stable")]
    if limit is not None:
        idx = idx[:limit]
    out = []
    for i in idx.tolist():
        code = cov.points.community_codes[i]
        region_ = cov.regions.get(code)
        d = cov.distance_m[i]
        out.append(
            UncoveredPoint(
                index=i,
                id=cov.points.ids[i],
                building=cov.points.buildings[i],
                community=region_.name if region_ else "",
                lon=float(cov.points.lonlat[i, 0]),
                lat=float(cov.points.lonlat[i, 1]),
                households=cov.points.households[i],
                residents=cov.points.residents[i],
                population=float(cov.points.population[i]),
                distance_m=float(d) if np.isfinite(d) else None,
                nearest_place=cov.places.names[cov.nearest[i]] if cov.nearest[i] >= 0 else "",
                reason=cov.point_reason(i),
            )
        )
    return out


def point_count_uncovered(cov: DistrictCoverage, region: Region) -> int:
    if cov.result is None:
        return 0
    return int((point_mask(cov, region) & ~cov.covered & (cov.points.population > 0)).sum())

"""Coverage totals per group of residential points (per community, say)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from jiceng.circle.coverage.common import percentage_of
from jiceng.circle.coverage.search import CoverageResult


@dataclass(frozen=True)
class GroupCoverage:
    """Coverage totals of one group of residential points."""

    points: int
    covered_points: int
    population: float
    covered_population: float
    percentage: float | None


def coverage_by_group(result: CoverageResult, keys) -> dict:
    """Coverage per group, e.g. per community code.

    ``keys`` holds one group key per residential point. Returns ``{key:
    GroupCoverage}``, keys in sorted order when they can be sorted, else in order
    of first appearance.
    """
    keys = list(keys)
    if len(keys) != len(result.points):
        raise ValueError(f"分组键的个数（{len(keys)}）与居民点个数（{len(result.points)}）不一致")
    codes: dict = {}
    inverse = np.fromiter((codes.setdefault(k, len(codes)) for k in keys), dtype=np.int64, count=len(keys))
    g = len(codes)
    covered = result.covered
    pop = result.population
    n_points = np.bincount(inverse, minlength=g)
    n_covered = np.bincount(inverse, weights=covered.astype(np.float64), minlength=g)
    total = np.bincount(inverse, weights=pop, minlength=g)
    cov = np.bincount(inverse, weights=np.where(covered, pop, 0.0), minlength=g)
    ordered = list(codes)
    try:
        ordered = sorted(ordered)
    except TypeError:
        pass
    out = {}
    for key in ordered:
        i = codes[key]
        out[key] = GroupCoverage(
            points=int(n_points[i]),
            covered_points=int(n_covered[i]),
            population=float(total[i]),
            covered_population=float(cov[i]),
            percentage=percentage_of(float(cov[i]), float(total[i])),
        )
    return out

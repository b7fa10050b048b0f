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
    return coverage_by_labels(result, list(codes), inverse)


def coverage_by_labels(result: CoverageResult, labels: list, inverse: np.ndarray) -> dict:
    """:func:`coverage_by_group` with the keys given as distinct ``labels`` and, per
    residential point, the index of its label (``labels`` in order of first appearance)."""
    if inverse.shape[0] != len(result.points):
        raise ValueError(f"分组键的个数（{inverse.shape[0]}）与居民点个数（{len(result.points)}）不一致")
    g = len(labels)
    covered = result.covered
    pop = result.population
    n_points = np.bincount(inverse, minlength=g)
    n_covered = np.bincount(inverse, weights=covered.astype(np.float64), minlength=g)
    total = np.bincount(inverse, weights=pop, minlength=g)
    cov = np.bincount(inverse, weights=np.where(covered, pop, 0.0), minlength=g)
    ordered = list(range(g))
    try:
        ordered = sorted(ordered, key=labels.__getitem__)
    except TypeError:
        pass
    out = {}
    for i in ordered:
        out[labels[i]] = GroupCoverage(
            points=int(n_points[i]),
            covered_points=int(n_covered[i]),
            population=float(total[i]),
            covered_population=float(cov[i]),
            percentage=percentage_of(float(cov[i]), float(total[i])),
        )
    return out

"""The engine's defaults and the checks every entry point applies to its input."""

from __future__ import annotations

import numpy as np

# Defined with the network, whose file keeps the snapping tree for this default.
from jiceng.circle.network import DEFAULT_MIN_COMPONENT_NODES as DEFAULT_MIN_COMPONENT_NODES

DEFAULT_LIMIT_M = 1000.0
DEFAULT_MAX_SNAP_M = 500.0
# 1000 m in 15 minutes, so that a 15-minute walk and the 1000 m limit of GB 50180-2018 agree.
DEFAULT_WALK_SPEED_M_PER_MIN = 1000.0 / 15.0
# Distances are compared with this slack so that a resident exactly at the limit is
# judged the same whichever way round a path's lengths happen to be added up.
DISTANCE_TOLERANCE_M = 1e-6

SNAP_OK = 0
SNAP_INVALID = 1
SNAP_OUTSIDE_EXTENT = 2
SNAP_TOO_FAR = 3


def limit_from_minutes(minutes: float = 15.0, speed_m_per_min: float = DEFAULT_WALK_SPEED_M_PER_MIN) -> float:
    """Walking limit in metres for ``minutes`` at ``speed_m_per_min``.

    The default pace makes ``limit_from_minutes(15)`` equal to 1000 m.
    """
    if not (np.isfinite(minutes) and minutes >= 0):
        raise ValueError("步行时间必须是非负数")
    if not (np.isfinite(speed_m_per_min) and speed_m_per_min > 0):
        raise ValueError("步行速度必须是正数")
    # Rounded to the micrometre so that 15 × (1000 / 15) comes out as exactly 1000.
    return round(float(minutes) * float(speed_m_per_min), 6)


def as_lonlat(lonlat, what: str) -> np.ndarray:
    arr = np.asarray(lonlat, dtype=np.float64)
    if arr.size == 0:
        return np.zeros((0, 2), dtype=np.float64)
    if arr.ndim != 2 or arr.shape[1] != 2:
        raise ValueError(f"{what}的坐标必须是 (经度, 纬度) 的 N×2 数组")
    return arr


def as_population(population, n: int) -> np.ndarray:
    if population is None:
        return np.ones(n, dtype=np.float64)
    pop = np.asarray(population, dtype=np.float64).reshape(-1)
    if pop.shape[0] != n:
        raise ValueError(f"人口数的个数（{pop.shape[0]}）与居民点个数（{n}）不一致")
    if not np.all(np.isfinite(pop)) or (pop.size and pop.min() < 0):
        raise ValueError("人口数必须是非负数")
    return pop


def checked_limit(limit_m: float) -> float:
    if not (np.isfinite(limit_m) and limit_m >= 0):
        raise ValueError("步行距离上限必须是非负数")
    return float(limit_m)


def percentage_of(part: float, whole: float) -> float | None:
    return 100.0 * part / whole if whole > 0 else None

"""Four-level linkage: tasks issued down the levels (`assignments.py`) and grids (`grids.py`)."""

from jiceng.linkage.models.assignments import DETECTED, DETECTED_DOWN_TO, Assignment, Evidence
from jiceng.linkage.models.grids import GridHousehold

__all__ = ["DETECTED", "DETECTED_DOWN_TO", "Assignment", "Evidence", "GridHousehold"]

"""Every write of the linkage app."""

from jiceng.linkage.services.assignments import assignment_issue, assignment_report, assignment_split
from jiceng.linkage.services.grids import (
    COLUMNS,
    REQUIRED,
    GridImportRejected,
    grid_import,
    household_assign,
)

__all__ = [
    "COLUMNS",
    "REQUIRED",
    "GridImportRejected",
    "assignment_issue",
    "assignment_report",
    "assignment_split",
    "grid_import",
    "household_assign",
]

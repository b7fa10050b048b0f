"""Every write of the region tree: importing the national division codes (`divisions.py`)."""

from jiceng.regions.services.divisions import DivisionReport, ImportRejected, regions_import_divisions

__all__ = ["DivisionReport", "ImportRejected", "regions_import_divisions"]

"""Every write of residents, households and party members (see `imports.py`)."""

from jiceng.people.services.imports import COLUMNS, REQUIRED, ImportRejected, ImportSummary, people_import

__all__ = ["COLUMNS", "REQUIRED", "ImportRejected", "ImportSummary", "people_import"]

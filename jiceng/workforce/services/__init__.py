"""Every write of the career system, one function per use case (see the modules for each area)."""

from jiceng.workforce.errors import WorkforceError
from jiceng.workforce.services.imports import COLUMNS, REQUIRED, RosterRejected, roster_import
from jiceng.workforce.services.pay import pay_fixed, pay_rows_compute, pay_sheet_approve, pay_sheet_compute
from jiceng.workforce.services.promotion import PromotionLine, promotion_run
from jiceng.workforce.services.settings import pay_table_save, settings_save
from jiceng.workforce.services.workers import (
    assessment_record,
    grade_correct,
    qualification_record,
    worker_hire,
    worker_leave,
    worker_place,
)

__all__ = [
    "COLUMNS",
    "REQUIRED",
    "PromotionLine",
    "RosterRejected",
    "WorkforceError",
    "assessment_record",
    "grade_correct",
    "pay_fixed",
    "pay_rows_compute",
    "pay_sheet_approve",
    "pay_sheet_compute",
    "pay_table_save",
    "promotion_run",
    "qualification_record",
    "roster_import",
    "settings_save",
    "worker_hire",
    "worker_leave",
    "worker_place",
]

"""Reads of the career system that are more than one line."""

from jiceng.workforce.queries.grades import grade_of, grades_of, qualification_highest
from jiceng.workforce.queries.pay import pay_sheet_list_for, pay_sheet_rows, pay_sheet_totals
from jiceng.workforce.queries.settings import pay_table_get, settings_get, settings_is_default, settings_years
from jiceng.workforce.queries.staffing import staffing_report
from jiceng.workforce.queries.workers import worker_lines, worker_list_for, worker_of_user, worker_record_get

__all__ = [
    "grade_of",
    "grades_of",
    "pay_sheet_list_for",
    "pay_sheet_rows",
    "pay_sheet_totals",
    "pay_table_get",
    "qualification_highest",
    "settings_get",
    "settings_is_default",
    "settings_years",
    "staffing_report",
    "worker_lines",
    "worker_list_for",
    "worker_of_user",
    "worker_record_get",
]

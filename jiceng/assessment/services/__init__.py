from jiceng.assessment.services.manual import manual_approve, manual_enter
from jiceng.assessment.services.runs import run_compute, run_inputs
from jiceng.assessment.services.schemes import (
    indicator_add,
    indicator_remove,
    scheme_create,
    scheme_publish,
    scheme_revise,
)

__all__ = [
    "indicator_add",
    "indicator_remove",
    "manual_approve",
    "manual_enter",
    "run_compute",
    "run_inputs",
    "scheme_create",
    "scheme_publish",
    "scheme_revise",
]

from jiceng.assessment.services.manual import manual_approve, manual_enter
from jiceng.assessment.services.runs import run_compute, run_inputs
from jiceng.assessment.services.sanctions import (
    objection_decide,
    objection_raise,
    partners_suspend_low_honour,
    plan_submit,
    run_publish,
    run_recompute,
    sanctions_from_run,
    worker_results_from_run,
)
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
    "objection_decide",
    "objection_raise",
    "partners_suspend_low_honour",
    "plan_submit",
    "run_compute",
    "run_publish",
    "run_recompute",
    "sanctions_from_run",
    "worker_results_from_run",
    "run_inputs",
    "scheme_create",
    "scheme_publish",
    "scheme_revise",
]

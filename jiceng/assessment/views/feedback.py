"""The feedback sheet (反馈单) of a final unit run, for each unit's superior party organisation: page and .xlsx."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from jiceng.assessment import exports
from jiceng.assessment.queries.feedback import feedback_list
from jiceng.assessment.queries.runs import VIEWERS, run_final_problem, run_list_for, score_list_for
from jiceng.core.scope import require_role
from jiceng.core.sheets import xlsx_response


def _feedback(request, pk: int):
    """The unit run and the feedback of the units the reader may see: all for the district, its own for a unit."""
    require_role(request.user, *VIEWERS)
    run = get_object_or_404(run_list_for(request.user).select_related("scheme__district"), pk=pk)
    if not run.scheme.assesses_units:
        raise Http404
    problem = run_final_problem(run)
    return run, problem, [] if problem else feedback_list(run, score_list_for(request.user))


def _heading(run) -> str:
    return _("中共%(d)s委组织部") % {"d": run.scheme.district.name}


@login_required
def run_feedback(request: HttpRequest, pk: int) -> HttpResponse:
    run, problem, feedbacks = _feedback(request, pk)
    context = {
        "run": run,
        "problem": problem,
        "feedbacks": feedbacks,
        "heading": _heading(run),
        "today": timezone.localdate(),
    }
    return render(request, "assessment/feedback.html", context)


@login_required
def run_feedback_export(request: HttpRequest, pk: int) -> HttpResponse:
    run, problem, feedbacks = _feedback(request, pk)
    if problem:
        messages.error(request, problem)
        return redirect("assessment:feedback", run.pk)
    heading = _("%(h)s · 驻区单位考核反馈单") % {"h": _heading(run)}
    return xlsx_response(
        request,
        filename="feedback",
        sheets=exports.feedback_sheets(run, feedbacks, heading=heading),
        action="assessment.export_feedback",
        target=run,
        rows=len(feedbacks),
    )

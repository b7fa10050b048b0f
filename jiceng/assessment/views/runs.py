"""Run pages: the runs a user may read, a run's ranked table, and a score's "why?"."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from jiceng.assessment import exports
from jiceng.assessment.queries.runs import (
    VIEWERS,
    computation_of,
    objection_list_upheld,
    run_changes,
    run_latest_after,
    run_list_for,
    run_previous,
    score_list_for,
    score_records,
)
from jiceng.core.models import Role
from jiceng.core.scope import require_role
from jiceng.core.sheets import xlsx_response
from jiceng.core.validators import positive_id


def _can_edit(request) -> bool:
    return require_role(request.user, *VIEWERS).has(Role.DISTRICT_ADMIN)


@login_required
def run_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *VIEWERS)
    return render(
        request, "assessment/runs.html", {"runs": run_list_for(request.user), "can_edit": _can_edit(request)}
    )


def _table(request, pk: int):
    require_role(request.user, *VIEWERS)
    run = get_object_or_404(run_list_for(request.user), pk=pk)
    scores = list(score_list_for(request.user).filter(run=run).order_by("rank", "subject_name"))
    if not scores:
        raise Http404
    indicators = list(run.scheme.indicators.all())
    lines = {}
    for score in scores:
        lines[score.pk] = {line.indicator_id: line for line in score.lines.defer("record_ids")}
    rows = [(s, [lines[s.pk].get(i.pk) for i in indicators]) for s in scores]
    return run, scores, indicators, rows


@login_required
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run, scores, indicators, rows = _table(request, pk)
    context = {
        "run": run,
        "indicators": indicators,
        "rows": rows,
        "can_edit": _can_edit(request),
        "previous": run_previous(run),
        "changes": run_changes(run, scores),
        "newer": run_latest_after(run),
        "upheld": objection_list_upheld(scores),
    }
    return render(request, "assessment/run.html", context)


@login_required
def run_export(request: HttpRequest, pk: int) -> HttpResponse:
    run, _scores, indicators, rows = _table(request, pk)
    return xlsx_response(
        request,
        filename="assessment",
        sheets=exports.run_sheets(run, indicators, rows),
        action="assessment.export_run",
        target=run,
    )


@login_required
def score_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *VIEWERS)
    score = get_object_or_404(score_list_for(request.user), pk=pk)
    # one line's records may be paged (?line=<id>&page=<n>); every other line shows its first page
    paged = positive_id(request.GET.get("line"))
    page = positive_id(request.GET.get("page")) or 1
    lines = [
        (
            line,
            computation_of(line.indicator.code),
            score_records(line, page if line.pk == paged else 1, opened=line.pk == paged),
        )
        for line in score.lines.select_related("indicator").order_by("indicator__position")
    ]
    return render(
        request,
        "assessment/score.html",
        {"score": score, "run": score.run, "lines": lines, "can_edit": _can_edit(request), "opened": paged},
    )

"""Publication and objections of a run, the district's decisions, and the honour list and notices."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.assessment import services
from jiceng.assessment.errors import AssessmentError
from jiceng.assessment.forms import DecisionForm, ObjectionForm, PlanForm
from jiceng.assessment.models import ObjectionState, RunObjection, Sanction, SanctionKind, ScoreLine
from jiceng.assessment.queries.runs import VIEWERS, run_list_for, score_list_for
from jiceng.assessment.queries.subjects import speaks_for
from jiceng.assessment.views.common import EDITORS, editor_scope
from jiceng.core.models import Role
from jiceng.core.scope import require_role, scoped

SUBJECTS = (Role.SUBDISTRICT_ADMIN, Role.COMMUNITY_WORKER, Role.UNIT_OPERATOR)


def _subject_lines(user):
    return scoped(
        user,
        ScoreLine.objects.select_related(
            "score__run__scheme", "score__region", "score__organization", "indicator"
        ).defer("record_ids"),
        region="score__region",
        org="score__organization",
        roles=SUBJECTS,
    )


def _editor_run(request, pk):
    editor_scope(request)
    return get_object_or_404(run_list_for(request.user), pk=pk)


@login_required
@require_POST
def run_publish(request: HttpRequest, pk: int) -> HttpResponse:
    run = _editor_run(request, pk)
    try:
        pub = services.run_publish(run=run, by=request.user)
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已公示至 %(d)s，考核对象可在公示期内提出异议。") % {"d": pub.closes_on})
    return redirect("assessment:run", run.pk)


@login_required
@require_POST
def run_recompute(request: HttpRequest, pk: int) -> HttpResponse:
    run = _editor_run(request, pk)
    try:
        new = services.run_recompute(run=run, by=request.user)
    except AssessmentError as exc:
        messages.error(request, str(exc))
        return redirect("assessment:run", run.pk)
    return redirect("assessment:run", new.pk)


@login_required
@require_POST
def run_sanction(request: HttpRequest, pk: int) -> HttpResponse:
    run = _editor_run(request, pk)
    try:
        services.sanctions_from_run(run=run, by=request.user)
    except AssessmentError as exc:
        messages.error(request, str(exc))
        return redirect("assessment:run", run.pk)
    return redirect("assessment:notice", run.pk)


@login_required
def objection_new(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *SUBJECTS)
    line = get_object_or_404(_subject_lines(request.user), pk=pk)
    form = ObjectionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.objection_raise(line=line, reason=form.cleaned_data["reason"], by=request.user)
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("异议已提交，区里裁定后会告诉您结果。"))
            return redirect("assessment:my_scores")
    return render(request, "assessment/objection_new.html", {"line": line, "form": form})


@login_required
def my_scores(request: HttpRequest) -> HttpResponse:
    """A subject's own figures in published runs, its objections, and its notices to answer."""
    require_role(request.user, *SUBJECTS)
    lines = _subject_lines(request.user).filter(
        score__run__publication__opens_on__lte=timezone.localdate(),
        score__run__publication__closes_on__gte=timezone.localdate(),
    )
    lines = [line for line in lines if speaks_for(request.user, line.score.subject)]
    objections = RunObjection.objects.filter(raised_by=request.user).select_related(
        "line__indicator", "line__score"
    )
    plans = [
        s
        for s in Sanction.objects.filter(kind=SanctionKind.CRITICISM).select_related(
            "score__region", "score__organization", "run__scheme"
        )
        if speaks_for(request.user, s.score.subject)
    ]
    return render(
        request, "assessment/my_scores.html", {"lines": lines, "objections": objections, "plans": plans}
    )


@login_required
def objection_list(request: HttpRequest) -> HttpResponse:
    editor_scope(request)
    runs = run_list_for(request.user)
    objections = RunObjection.objects.filter(line__score__run__in=runs).select_related(
        "line__indicator", "line__score__run__scheme", "raised_by", "decided_by", "resolved_by_run"
    )
    return render(
        request,
        "assessment/objections.html",
        {"objections": objections, "form": DecisionForm(), "OPEN": ObjectionState.OPEN, "can_edit": True},
    )


@login_required
@require_POST
def objection_decide(request: HttpRequest, pk: int) -> HttpResponse:
    editor_scope(request)
    obj = get_object_or_404(
        RunObjection.objects.filter(line__score__run__in=run_list_for(request.user)), pk=pk
    )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("assessment:objections")
    try:
        services.objection_decide(objection=obj, by=request.user, **form.cleaned_data)
    except AssessmentError as exc:
        messages.error(request, str(exc))
    return redirect("assessment:objections")


@login_required
def run_notice(request: HttpRequest, pk: int) -> HttpResponse:
    """The honour list (先进) and the notice of criticism (通报) of a run, printable with the district's heading."""
    require_role(request.user, *VIEWERS)
    run = get_object_or_404(run_list_for(request.user).select_related("scheme__district"), pk=pk)
    mine = score_list_for(request.user).filter(run=run).values("pk")
    sanctions = Sanction.objects.filter(run=run, score__in=mine).select_related("score", "decided_by")
    honours = [s for s in sanctions if s.kind == SanctionKind.HONOUR]
    criticisms = [s for s in sanctions if s.kind == SanctionKind.CRITICISM]
    return render(
        request,
        "assessment/notice.html",
        {"run": run, "honours": honours, "criticisms": criticisms, "decided": bool(sanctions)},
    )


@login_required
def plan_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *SUBJECTS)
    sanction = get_object_or_404(
        scoped(
            request.user,
            Sanction.objects.filter(kind=SanctionKind.CRITICISM).select_related(
                "score__region", "score__organization", "run__scheme"
            ),
            region="score__region",
            org="score__organization",
            roles=SUBJECTS,
        ),
        pk=pk,
    )
    form = PlanForm(request.POST or None, initial={"text": sanction.plan_text})
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_submit(sanction=sanction, text=form.cleaned_data["text"], by=request.user)
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("整改方案已提交。"))
            return redirect("assessment:my_scores")
    return render(request, "assessment/plan.html", {"sanction": sanction, "form": form})


@login_required
@require_POST
def run_workers(request: HttpRequest, pk: int) -> HttpResponse:
    """Feed community workers' yearly results from a final community run."""
    run = _editor_run(request, pk)
    try:
        n = services.worker_results_from_run(run=run, by=request.user)
    except AssessmentError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("已认定 %(n)d 名社区工作者的年度考核结果。") % {"n": n})
    return redirect("assessment:run", run.pk)


@login_required
@require_POST
def partners_suspend(request: HttpRequest) -> HttpResponse:
    """Suspend every partner whose honour rate since 1 January is below the floor."""
    scope = editor_scope(request)
    districts = scope.regions_for(EDITORS)
    if not districts:
        raise Http404
    today = timezone.localdate()
    made = services.partners_suspend_low_honour(
        district=districts[0], start=dt.date(today.year, 1, 1), end=today, by=request.user
    )
    messages.success(request, _("兑现率低于 80%% 的联盟单位：暂停 %(n)d 家发布兑换物品。") % {"n": len(made)})
    return redirect("assessment:runs")

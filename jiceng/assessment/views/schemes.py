"""Scheme pages: the list, a new scheme, its indicators, publishing, revising and running it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from jiceng.assessment import services
from jiceng.assessment.errors import AssessmentError
from jiceng.assessment.forms import IndicatorForm, RunForm, SchemeForm
from jiceng.assessment.models import Scheme
from jiceng.assessment.queries.runs import computation_of, scheme_list_for
from jiceng.assessment.views.common import EDITORS, editor_scope
from jiceng.core.scope import get_scoped_or_404


def _scheme(request, pk: int) -> Scheme:
    return get_scoped_or_404(
        request.user, Scheme.objects.select_related("district"), region="district", roles=EDITORS, pk=pk
    )


@login_required
def scheme_list(request: HttpRequest) -> HttpResponse:
    scope = editor_scope(request)
    form = SchemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        districts = scope.regions_for(EDITORS)
        if not districts:
            raise Http404
        scheme = services.scheme_create(district=districts[0], by=request.user, **form.cleaned_data)
        return redirect("assessment:scheme", scheme.pk)
    return render(
        request, "assessment/schemes.html", {"schemes": scheme_list_for(request.user), "form": form}
    )


@login_required
def scheme_detail(request: HttpRequest, pk: int) -> HttpResponse:
    editor_scope(request)
    scheme = _scheme(request, pk)
    form = IndicatorForm(request.POST or None, subject_type=scheme.subject_type)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.indicator_add(
                scheme=scheme,
                code=d["code"],
                name=d["name"],
                weight=d["weight"],
                by=request.user,
                **form.scoring(),
            )
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            return redirect("assessment:scheme", scheme.pk)
    today = timezone.localdate()
    run_form = RunForm(
        initial={"period_start": today.replace(year=scheme.year, month=1, day=1), "period_end": today}
    )
    indicators = [(i, computation_of(i.code)) for i in scheme.indicators.all()]
    return render(
        request,
        "assessment/scheme.html",
        {
            "scheme": scheme,
            "indicators": indicators,
            "weights": sum(i.weight for i, _c in indicators),
            "form": form,
            "run_form": run_form,
            "runs": scheme.runs.all(),
        },
    )


@login_required
@require_POST
def scheme_publish(request: HttpRequest, pk: int) -> HttpResponse:
    editor_scope(request)
    scheme = _scheme(request, pk)
    try:
        services.scheme_publish(scheme=scheme, by=request.user)
    except AssessmentError as exc:
        messages.error(request, str(exc))
    return redirect("assessment:scheme", scheme.pk)


@login_required
@require_POST
def scheme_revise(request: HttpRequest, pk: int) -> HttpResponse:
    editor_scope(request)
    new = services.scheme_revise(scheme=_scheme(request, pk), by=request.user)
    return redirect("assessment:scheme", new.pk)


@login_required
@require_POST
def run_create(request: HttpRequest, pk: int) -> HttpResponse:
    editor_scope(request)
    scheme = _scheme(request, pk)
    form = RunForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for e in errors:
                messages.error(request, e)
        return redirect("assessment:scheme", scheme.pk)
    try:
        run = services.run_compute(scheme=scheme, by=request.user, **form.cleaned_data)
    except AssessmentError as exc:
        messages.error(request, str(exc))
        return redirect("assessment:scheme", scheme.pk)
    return redirect("assessment:run", run.pk)

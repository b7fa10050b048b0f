"""Manual indicators: a value with uploaded evidence, counted once another administrator approves it."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from jiceng.assessment import services
from jiceng.assessment.errors import AssessmentError
from jiceng.assessment.forms import ManualEntryForm
from jiceng.assessment.models import MANUAL, ManualEntry
from jiceng.assessment.queries.subjects import subject_list
from jiceng.assessment.views.common import EDITORS, editor_scope
from jiceng.assessment.views.schemes import _scheme
from jiceng.core.scope import get_scoped_or_404
from jiceng.orgs.models import Organization
from jiceng.regions.models import Region


def _entry(request, pk: int) -> ManualEntry:
    return get_scoped_or_404(
        request.user,
        ManualEntry.objects.select_related("indicator__scheme", "region", "organization", "entered_by"),
        region="indicator__scheme__district",
        roles=EDITORS,
        pk=pk,
    )


@login_required
def manual_entries(request: HttpRequest, pk: int) -> HttpResponse:
    editor_scope(request)
    scheme = _scheme(request, pk)
    indicators = scheme.indicators.filter(code=MANUAL)
    # a unit scheme's subjects are organisations, the others' regions: the choice lists the scheme's own
    model = Organization if scheme.assesses_units else Region
    subjects = model.objects.filter(pk__in=[s.pk for s in subject_list(scheme)]).order_by("name")
    form = ManualEntryForm(
        request.POST or None, request.FILES or None, indicators=indicators, subjects=subjects
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.manual_enter(
                indicator=d["indicator"],
                subject=d["subject"],
                value=d["value"],
                evidence=d["evidence"],
                note=d["note"],
                by=request.user,
            )
        except AssessmentError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("已登记，须由另一名管理员复核后计入考核。"))
            return redirect("assessment:manual", scheme.pk)
    entries = ManualEntry.objects.filter(indicator__in=indicators).select_related(
        "indicator", "region", "organization", "entered_by", "approved_by"
    )
    return render(
        request,
        "assessment/manual.html",
        {"scheme": scheme, "form": form, "entries": entries, "has_manual": indicators.exists()},
    )


@login_required
@require_POST
def manual_approve(request: HttpRequest, pk: int) -> HttpResponse:
    editor_scope(request)
    entry = _entry(request, pk)
    try:
        services.manual_approve(entry=entry, by=request.user)
    except AssessmentError as exc:
        messages.error(request, str(exc))
    return redirect("assessment:manual", entry.indicator.scheme_id)


@login_required
def manual_evidence(request: HttpRequest, pk: int) -> HttpResponse:
    editor_scope(request)
    entry = _entry(request, pk)
    if not entry.evidence:
        raise Http404
    return FileResponse(entry.evidence.open("rb"), filename=entry.evidence.name.rsplit("/", 1)[-1])

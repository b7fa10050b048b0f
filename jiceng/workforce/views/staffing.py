"""Staffing against population, and the yearly promotion list."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from jiceng.core.scope import scoped
from jiceng.workforce import queries, services
from jiceng.workforce.forms import PromotionForm
from jiceng.workforce.models import Cause, GradeChange
from jiceng.workforce.views.common import ADMINS, admin_scope, this_year, year_param


@login_required
def staffing(request: HttpRequest) -> HttpResponse:
    _scope, regions, _district = admin_scope(request.user)
    report = queries.staffing_report(regions[0], this_year())
    flagged = report.flagged[:15]
    chart = {
        "names": [c.region.name for c in flagged],
        "series": [
            {"name": _("现有社区工作者"), "data": [c.workers for c in flagged]},
            {"name": _("按目标应配"), "data": [c.needed for c in flagged]},
        ],
    }
    return render(request, "workforce/staffing.html", {"rep": report, "flagged": flagged, "chart": chart})


@login_required
def promotion(request: HttpRequest) -> HttpResponse:
    """GET: the promotion list of a year (the steps appended); POST: run the year (idempotent)."""
    _scope, regions, district = admin_scope(request.user)
    region = regions[0]
    year = year_param(request, this_year() - 1)
    form = PromotionForm(request.POST or None, initial={"year": year})
    if request.method == "POST" and form.is_valid():
        year = form.cleaned_data["year"]
        lines = services.promotion_run(actor=request.user, district=district, year=year, region=region)
        moved = sum(1 for line in lines if line.moved)
        messages.success(request, _("%(y)d 年度晋级已运行：%(n)d 人晋级。") % {"y": year, "n": moved})
        return redirect(f"{request.path}?year={year}")
    steps = scoped(
        request.user,
        GradeChange.objects.filter(year=year, cause__in=[Cause.SENIORITY, Cause.ASSESSMENT]).select_related(
            "worker__person", "worker__community"
        ),
        region="worker__community",
        roles=ADMINS,
    ).order_by("worker__community__code", "worker__person__name")
    return render(request, "workforce/promotion.html", {"form": form, "year": year, "steps": steps})

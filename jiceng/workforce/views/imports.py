"""Importing a roster of community workers: the upload, the job's progress and the template."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jiceng.core.jobs import import_job_start
from jiceng.core.models import ImportJob
from jiceng.core.scope import get_scoped_or_404, scoped
from jiceng.workforce import exports, services
from jiceng.workforce.forms import RosterImportForm
from jiceng.workforce.views.common import ADMINS, admin_scope

KIND = "workforce_roster"


@login_required
def roster_import(request: HttpRequest) -> HttpResponse:
    _scope, regions, _district = admin_scope(request.user)
    region = regions[0]
    form = RosterImportForm(request.POST, request.FILES) if request.method == "POST" else RosterImportForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        job = import_job_start(
            kind=KIND, filename=upload.name, actor=request.user, region=region, data=upload.read()
        )
        return redirect("workforce:import_job", pk=job.pk)
    jobs = scoped(request.user, ImportJob.objects.filter(kind=KIND), region="region", roles=ADMINS)[:10]
    return render(
        request,
        "workforce/import.html",
        {
            "form": form,
            "jobs": jobs,
            "columns": services.COLUMNS,
            "required": services.REQUIRED,
            "region": region,
        },
        status=400 if form.errors else 200,
    )


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    admin_scope(request.user)
    job = get_scoped_or_404(
        request.user, ImportJob.objects.filter(kind=KIND), region="region", roles=ADMINS, pk=pk
    )
    template = "workforce/_job.html" if request.headers.get("HX-Request") else "workforce/job.html"
    return render(request, template, {"job": job})


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    admin_scope(request.user)
    return exports.roster_import_template()

"""Importing a resident roster: the upload, the job's progress and the template."""

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from jiceng.core.jobs import import_job_start
from jiceng.core.models import ImportJob
from jiceng.core.scope import get_scoped_or_404, require_role, scoped
from jiceng.people import exports, services
from jiceng.people.forms import ImportForm
from jiceng.people.views.residents import STAFF


@login_required
def person_import(request: HttpRequest) -> HttpResponse:
    region = require_role(request.user, *STAFF).primary_region
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        job = import_job_start(
            kind="people", filename=upload.name, actor=request.user, region=region, data=upload.read()
        )
        return redirect("people:import_job", pk=job.pk)
    jobs = scoped(request.user, ImportJob.objects.filter(kind="people"), region="region")[:10]
    return render(
        request,
        "people/import.html",
        {
            "form": form,
            "jobs": jobs,
            "columns": services.COLUMNS,
            "required": services.REQUIRED,
            "region": region,
        },
    )


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *STAFF)
    job = get_scoped_or_404(request.user, ImportJob.objects.all(), region="region", pk=pk)
    template = "people/_job.html" if request.headers.get("HX-Request") else "people/job.html"
    return render(request, template, {"job": job})


@login_required
def import_template(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *STAFF)
    return exports.person_import_template()

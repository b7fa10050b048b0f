"""Importing service places and residential points: the upload, the job's progress, the templates."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy

from jiceng.circle import exports, services
from jiceng.circle.forms import ImportForm
from jiceng.circle.views import STAFF
from jiceng.core.jobs import import_job_start
from jiceng.core.models import ImportJob
from jiceng.core.scope import get_scoped_or_404, require_role, scoped

IMPORTS = {
    "places": {
        "title": gettext_lazy("导入服务阵地"),
        "columns": services.PLACE_COLUMNS,
        "required": services.PLACE_REQUIRED,
    },
    "points": {
        "title": gettext_lazy("导入居民点"),
        "columns": services.POINT_COLUMNS,
        "required": services.POINT_REQUIRED,
    },
}


def _spec(kind: str) -> dict:
    if kind not in IMPORTS:
        raise Http404
    return IMPORTS[kind]


@login_required
def import_view(request: HttpRequest, kind: str) -> HttpResponse:
    region = require_role(request.user, *STAFF).primary_region
    spec = _spec(kind)
    form = ImportForm(request.POST, request.FILES) if request.method == "POST" else ImportForm()
    if form.is_bound and form.is_valid():
        upload = form.cleaned_data["file"]
        job = import_job_start(
            kind=f"circle_{kind}", filename=upload.name, actor=request.user, region=region, data=upload.read()
        )
        return redirect("circle:import_job", pk=job.pk)
    jobs = scoped(request.user, ImportJob.objects.filter(kind=f"circle_{kind}"), region="region")[:10]
    return render(
        request,
        "circle/import.html",
        {"form": form, "kind": kind, "spec": spec, "jobs": jobs, "region": region},
    )


@login_required
def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *STAFF)
    job = get_scoped_or_404(
        request.user, ImportJob.objects.filter(kind__startswith="circle_"), region="region", pk=pk
    )
    template = "circle/_job.html" if request.headers.get("HX-Request") else "circle/job.html"
    return render(request, template, {"job": job, "kind": job.kind.removeprefix("circle_")})


@login_required
def import_template(request: HttpRequest, kind: str) -> HttpResponse:
    require_role(request.user, *STAFF)
    spec = _spec(kind)
    return exports.import_template(kind, spec["title"], spec["columns"])

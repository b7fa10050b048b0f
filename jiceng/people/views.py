import io

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from openpyxl import Workbook

from jiceng.core.jobs import import_job_start
from jiceng.core.models import ImportJob, Role
from jiceng.core.scope import get_scoped_or_404, require_role, scoped
from jiceng.people import services
from jiceng.people.models import Person

STAFF = (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN, Role.COMMUNITY_WORKER)
MAX_UPLOAD = 30 * 1024 * 1024


@login_required
def person_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *STAFF)
    q = request.GET.get("q", "").strip()
    people = scoped(request.user, Person.objects.select_related("community", "household"), region="community")
    if q:
        people = people.filter(name__contains=q)
    page = Paginator(people.order_by("community__code", "id"), 50).get_page(request.GET.get("page"))
    return render(request, "people/list.html", {"page": page, "q": q})


@login_required
def person_import(request: HttpRequest) -> HttpResponse:
    scope = require_role(request.user, *STAFF)
    region = scope.primary_region
    error = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            error = _("请选择要导入的 .xlsx 或 .csv 文件")
        elif upload.size > MAX_UPLOAD:
            error = _("文件超过 30 MB，请拆分后分批导入")
        elif not upload.name.lower().endswith((".xlsx", ".csv")):
            error = _("只支持 .xlsx 或 .csv 文件")
        else:
            job = import_job_start(
                kind="people", filename=upload.name, actor=request.user, region=region, data=upload.read()
            )
            return redirect("people:import_job", pk=job.pk)
    jobs = scoped(request.user, ImportJob.objects.filter(kind="people"), region="region")[:10]
    return render(
        request,
        "people/import.html",
        {
            "error": error,
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
    wb = Workbook()
    ws = wb.active
    ws.title = _("居民")
    ws.append(services.COLUMNS)
    ws.append(
        ["张三", "男", "1960-05-01", "13800138000", "", "510107001001", "1-1-101", "浆洗街 1 号", "", "", ""]
    )
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(
        buf.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = 'attachment; filename="people-template.xlsx"'
    return response

import io

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook

from jiceng.circle import layers, queries, services
from jiceng.circle.export import coverage_workbook
from jiceng.circle.forms import CircleFilterForm, ImportForm, PhotoForm
from jiceng.circle.models import CandidateSite, PlaceKind, PlacePhoto, ServicePlace
from jiceng.core.audit import audit
from jiceng.core.jobs import import_job_start
from jiceng.core.models import ImportJob, Role
from jiceng.core.scope import get_scoped_or_404, require_role, scoped
from jiceng.regions.models import Level, Region

STAFF = (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN, Role.COMMUNITY_WORKER)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
IMPORTS = {
    "places": {
        "title": gettext_lazy("导入服务阵地"),
        "columns": services.PLACE_COLUMNS,
        "required": services.PLACE_REQUIRED,
        "service": services.places_import,
        "example": [
            "浆洗街街道党群服务中心",
            "党群服务中心（街道级）",
            "104.0435",
            "30.6420",
            "浆洗街 1 号",
            "510107001004",
            "08:30-20:00",
            "政务代办、党员活动、老年食堂",
            "1200",
        ],
    },
    "points": {
        "title": gettext_lazy("导入居民点"),
        "columns": services.POINT_COLUMNS,
        "required": services.POINT_REQUIRED,
        "service": services.points_import,
        "example": ["104.0431", "30.6412", "120", "310", "锦里小区 1 栋", "510107001004"],
    },
}


def _region(request: HttpRequest) -> Region:
    """The region the request asks about (default: the user's own), 404 outside their scope."""
    scope = require_role(request.user, *STAFF)
    code = request.GET.get("region")
    if not code:
        return scope.primary_region
    region = get_scoped_or_404(request.user, Region.objects.all(), region="", code=code)
    if region.level not in (Level.DISTRICT, Level.SUBDISTRICT, Level.COMMUNITY):
        raise Http404
    return region


def _coverage(request: HttpRequest, region: Region):
    form = CircleFilterForm(request.GET or None, initial={"region": region.code})
    district = Region.objects.get(code=region.district_code)
    return form, queries.district_coverage(district, form.params())


def _labels() -> dict:
    """Words the map script shows, translated here so the script holds no text of its own."""
    return {
        "near": _("步行 ≤ %s 米"),
        "mid": _("步行 %s–%s 米"),
        "far": _("> %s 米或未覆盖"),
        "outside": _("不在路网上"),
        "coveredStreet": _("服务圈内的道路"),
        "otherStreet": _("其他道路"),
        "recommended": _("建议新址"),
        "people": _("人"),
        "nearest": _("最近阵地"),
        "walk": _("步行约 %s 米"),
        "none": _("%s 米内没有计入的阵地"),
        "hours": _("开放时间"),
        "services": _("服务内容"),
        "address": _("地址"),
        "notCounted": _("不符合当前筛选条件，未计入"),
        "detail": _("详情"),
        "loading": _("正在加载地图数据…"),
        "failed": _("地图数据加载失败，请刷新页面重试。"),
        "simplified": _("道路较多，已按比例简化；放大地图可看到每条道路。"),
        "truncated": _("居民点较多，只显示人口最多的一部分；放大地图可看到更多。"),
        "noTiles": _("未配置底图，仅显示路网与点位。"),
        "legend": _("图例"),
        "residential": _("居民点（按步行距离）"),
        "places": _("服务阵地"),
        "network": _("步行路网"),
        "standIn": _("社区登记居民（社区中心点）"),
        "gain": _("新增覆盖 %s 人"),
        "points": _("居民点"),
    }


def _filters_query(request: HttpRequest) -> str:
    q = request.GET.copy()
    q.pop("region", None)
    q.pop("bbox", None)
    q.pop("k", None)
    return q.urlencode()


@login_required
def circle_map(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    form, cov = _coverage(request, region)
    scope = require_role(request.user, *STAFF)
    has_candidates = scoped(request.user, CandidateSite.objects.all(), region="community").exists()
    return render(
        request,
        "circle/map.html",
        {
            "region": region,
            "form": form,
            "cov": cov,
            "total": queries.figures_for(cov, region),
            "rows": queries.children_figures(cov, region),
            "uncovered": queries.uncovered_points(cov, region, limit=15),
            "uncovered_count": queries.uncovered_count(cov, region),
            "crumbs": [r for r in region.ancestors() if scope.covers(r)] + [region],
            "filters": _filters_query(request),
            "has_candidates": has_candidates,
            "hidden": [
                (k, v) for k, vs in request.GET.lists() if k not in ("region", "k", "candidates") for v in vs
            ],
            "labels": _labels(),
            "config": {
                "layersUrl": f"{request.path}layers.json",
                "query": request.GET.urlencode(),
                "region": region.code,
                "bounds": layers.scope_bounds(cov, region),
                "tileUrl": settings.MAP_TILE_URL,
                "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
                "limit": cov.params.limit_m,
                "kinds": {k: str(label) for k, label in PlaceKind.choices},
                "placeUrl": request.path + "places/",
            },
        },
    )


def _bbox(text: str):
    try:
        w, s, e, n = (float(x) for x in text.split(","))
    except ValueError:
        return None
    return (w, s, e, n) if w < e and s < n else None


@login_required
def circle_layers(request: HttpRequest) -> JsonResponse:
    region = _region(request)
    _form, cov = _coverage(request, region)
    return JsonResponse(layers.map_layers(cov, region, _bbox(request.GET.get("bbox", ""))))


def _recommendation(request: HttpRequest, cov, region: Region):
    try:
        k = max(1, min(20, int(request.GET.get("k", 5))))
    except ValueError:
        k = 5
    candidates = None
    if request.GET.get("candidates") == "1":
        sites = scoped(request.user, CandidateSite.objects.all(), region="community").order_by("id")
        candidates = [(s.name, s.lon, s.lat) for s in sites]
    return queries.recommend(cov, region, k, candidates)


@login_required
def circle_recommend(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    _form, cov = _coverage(request, region)
    rec = _recommendation(request, cov, region)
    picks = (
        [{"rank": p.rank, "lat": p.lat, "lon": p.lon, "gain": round(p.gain)} for p in rec.picks]
        if rec
        else []
    )
    return render(request, "circle/_recommend.html", {"rec": rec, "cov": cov, "picks": picks})


@login_required
def circle_export(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    _form, cov = _coverage(request, region)
    rec = _recommendation(request, cov, region)
    data = coverage_workbook(cov, region, rec)
    audit(request.user, "circle.export", region, after=cov.params.as_dict(), request=request)
    response = HttpResponse(data, content_type=XLSX)
    stamp = timezone.localtime().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="circle-{region.code}-{stamp}.xlsx"'
    return response


# --------------------------------------------------------------------------- places


@login_required
def place_list(request: HttpRequest) -> HttpResponse:
    require_role(request.user, *STAFF)
    kind = request.GET.get("kind", "")
    places = scoped(request.user, ServicePlace.objects.select_related("community"), region="community")
    if kind in PlaceKind.values:
        places = places.filter(kind=kind)
    page = Paginator(places.order_by("community__code", "kind", "name"), 50).get_page(request.GET.get("page"))
    return render(request, "circle/places.html", {"page": page, "kind": kind, "kinds": PlaceKind.choices})


@login_required
def place_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, *STAFF)
    place = get_scoped_or_404(
        request.user, ServicePlace.objects.select_related("community"), region="community", pk=pk
    )
    form = PhotoForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.place_add_photo(
                place=place,
                image=form.cleaned_data["image"],
                caption=form.cleaned_data["caption"],
                actor=request.user,
            )
        except services.CircleError as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(request, _("照片已上传"))
            return redirect("circle:place", pk=place.pk)
    return render(request, "circle/place.html", {"place": place, "form": form, "photos": place.photos.all()})


@login_required
def place_photo(request: HttpRequest, pk: int) -> FileResponse:
    require_role(request.user, *STAFF)
    photo = get_scoped_or_404(request.user, PlacePhoto.objects.all(), region="place__community", pk=pk)
    try:
        return FileResponse(photo.image.open("rb"))
    except OSError:
        raise Http404 from None


# --------------------------------------------------------------------------- imports


@login_required
def import_view(request: HttpRequest, kind: str) -> HttpResponse:
    scope = require_role(request.user, *STAFF)
    spec = IMPORTS.get(kind)
    if spec is None:
        raise Http404
    region = scope.primary_region
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = import_job_start(
            kind=f"circle_{kind}",
            filename=upload.name,
            actor=request.user,
            region=region,
            data=upload.read(),
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
    spec = IMPORTS.get(kind)
    if spec is None:
        raise Http404
    wb = Workbook()
    ws = wb.active
    ws.title = str(spec["title"])[:31]
    ws.append(spec["columns"])
    ws.append(spec["example"])
    buf = io.BytesIO()
    wb.save(buf)
    response = HttpResponse(buf.getvalue(), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="circle-{kind}-template.xlsx"'
    return response

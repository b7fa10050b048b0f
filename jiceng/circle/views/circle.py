"""The coverage map: its page, the layers it draws, suggested sites and the coverage workbook."""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from jiceng.circle.exports import coverage_sheets
from jiceng.circle.forms import CircleFilterForm
from jiceng.circle.models import PlaceKind
from jiceng.circle.queries.district import coverage_get
from jiceng.circle.queries.figures import (
    figures_get,
    figures_list_children,
    point_count_uncovered,
    point_list_uncovered,
)
from jiceng.circle.queries.layers import map_bounds_get, map_layers_get
from jiceng.circle.queries.places import candidate_exists_for, candidate_list_for
from jiceng.circle.queries.sites import site_recommend
from jiceng.circle.views import STAFF
from jiceng.core.scope import get_scoped_or_404, require_role
from jiceng.core.sheets import xlsx_response
from jiceng.regions.models import Level, Region


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
    return form, coverage_get(district, form.params())


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


def _config(request: HttpRequest, cov, region: Region) -> dict:
    """What the map script needs to start: where to fetch layers, the first view, the tiles."""
    return {
        "layersUrl": f"{request.path}layers.json",
        "query": request.GET.urlencode(),
        "region": region.code,
        "bounds": map_bounds_get(cov, region),
        "tileUrl": settings.MAP_TILE_URL,
        "tileAttribution": settings.MAP_TILE_ATTRIBUTION,
        "limit": cov.params.limit_m,
        "kinds": {k: str(label) for k, label in PlaceKind.choices},
        "placeUrl": request.path + "places/",
    }


@login_required
def circle_map(request: HttpRequest) -> HttpResponse:
    region = _region(request)
    form, cov = _coverage(request, region)
    scope = require_role(request.user, *STAFF)
    return render(
        request,
        "circle/map.html",
        {
            "region": region,
            "form": form,
            "cov": cov,
            "total": figures_get(cov, region),
            "rows": figures_list_children(cov, region),
            "uncovered": point_list_uncovered(cov, region, limit=15),
            "uncovered_count": point_count_uncovered(cov, region),
            "crumbs": [r for r in region.ancestors() if scope.covers(r)] + [region],
            "filters": _filters_query(request),
            "has_candidates": candidate_exists_for(request.user),
            "hidden": [
                (k, v) for k, vs in request.GET.lists() if k not in ("region", "k", "candidates") for v in vs
            ],
            "labels": _labels(),
            "config": _config(request, cov, region),
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
    return JsonResponse(map_layers_get(cov, region, _bbox(request.GET.get("bbox", ""))))


def _recommendation(request: HttpRequest, cov, region: Region):
    try:
        k = max(1, min(20, int(request.GET.get("k", 5))))
    except ValueError:
        k = 5
    candidates = candidate_list_for(request.user) if request.GET.get("candidates") == "1" else None
    return site_recommend(cov, region, k, candidates)


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
    return xlsx_response(
        request,
        filename=f"circle-{region.code}",
        sheets=coverage_sheets(cov, region, _recommendation(request, cov, region)),
        action="circle.export",
        target=region,
        detail=cov.params.as_dict(),  # the filters, so the exported figures can be traced
    )

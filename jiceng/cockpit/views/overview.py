import json

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from jiceng.cockpit import exports
from jiceng.cockpit.queries.board import cockpit_get
from jiceng.cockpit.queries.overview import region_can_drill
from jiceng.cockpit.queries.rank import rank_by_region
from jiceng.core.audit import audit
from jiceng.core.models import Role
from jiceng.core.scope import get_scoped_or_404, require_role
from jiceng.core.sheets import xlsx_response
from jiceng.regions.models import Region

STAFF = (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN, Role.COMMUNITY_WORKER)


def _region(request: HttpRequest, code: str | None) -> tuple:
    scope = require_role(request.user, *STAFF)
    if code is None:
        return scope, scope.primary_region
    return scope, get_scoped_or_404(request.user, Region.objects.all(), region="", code=code)


def _yuan(v) -> str:
    return f"{v:,.0f}"


def _pct(v) -> str:
    return "—" if v is None else f"{v:.1f}%"


# (title, [(label, figure of a row)], list page url name, who may open that list)
TILES = [
    (
        _l("道德银行"),
        [
            (_l("本年发放积分"), lambda r: r.issued),
            (_l("本年兑换积分"), lambda r: r.redeemed),
            (_l("爱心池积分"), lambda r: r.pools),
        ],
        "bank:settlement",
        (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN),
    ),
    (
        _l("党建联盟"),
        [
            (_l("本年会议"), lambda r: r.meetings),
            (_l("任务推进中"), lambda r: r.actions_open),
            (_l("本年任务办结"), lambda r: r.actions_done),
        ],
        "alliance:actions",
        STAFF,
    ),
    (
        _l("三张清单"),
        [(_l("需求未解决"), lambda r: r.needs_open), (_l("本年已解决"), lambda r: r.needs_resolved)],
        "alliance:needs",
        STAFF,
    ),
    (
        _l("活动"),
        [(_l("本年已举办"), lambda r: r.activities_held), (_l("签到人次"), lambda r: r.checkins)],
        "activities:list",
        STAFF,
    ),
    (
        _l("服务圈"),
        [
            (_l("居住点人口"), lambda r: r.circle_population if r.circle_population is not None else "—"),
            (_l("步行覆盖"), lambda r: _pct(r.circle_percentage)),
        ],
        "circle:map",
        STAFF,
    ),
    (
        _l("新兴领域"),
        [
            (_l("组织"), lambda r: r.sector_total),
            (_l("已建党组织"), lambda r: r.sector_covered),
            (_l("边建边散"), lambda r: r.sector_faded),
        ],
        "alliance:coverage",
        (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN),
    ),
    (
        _l("党员报到"),
        [
            (_l("在社区服务"), lambda r: r.report_ins),
            (_l("本年已确认服务"), lambda r: r.report_ins_confirmed),
        ],
        "alliance:report_ins",
        STAFF,
    ),
    (
        _l("社区工作者"),
        [(_l("在岗"), lambda r: r.workers), (_l("每万名居民"), lambda r: r.per_10k)],
        "workforce:staffing",
        (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN),
    ),
    (
        _l("经费"),
        [
            (_l("预算（元）"), lambda r: _yuan(r.budget)),
            (_l("已支出（元）"), lambda r: _yuan(r.spent)),
            (_l("执行率"), lambda r: _pct(r.execution_rate)),
        ],
        "funding:funds",
        (Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN),
    ),
    (
        _l("上下联动任务"),
        [
            (_l("按时"), lambda r: r.tasks["on_time"]),
            (_l("逾期完成"), lambda r: r.tasks["late"]),
            (_l("未完成"), lambda r: r.tasks["missed"]),
            (_l("进行中"), lambda r: r.tasks["open"]),
        ],
        "linkage:list",
        STAFF,
    ),
]


def _tiles(scope, cockpit) -> list[dict]:
    # Each child's page is reversed once, not once per tile (ten tiles × 25 rows of `{% url %}`).
    links = {c.region.pk: reverse("cockpit:region", args=[c.region.code]) for c in cockpit.children}
    out = []
    for title, figures, list_url, roles in TILES:
        out.append(
            {
                "title": title,
                "labels": [label for label, _f in figures],
                "figures": [(label, f(cockpit.total)) for label, f in figures],
                "children": [
                    (c.region, links[c.region.pk], [f(c) for _label, f in figures]) for c in cockpit.children
                ],
                "link": reverse(list_url) if scope.has(*roles) else "",
            }
        )
    return out


def _ranks(scope, cockpit) -> list[dict]:
    """The rank tile's rows: the region, then each child, with a link to the score where the role may open it."""
    regions = [cockpit.region, *(c.region for c in cockpit.children)]
    ranks = rank_by_region(regions, today=cockpit.today)
    can_open = scope.has(Role.DISTRICT_ADMIN, Role.SUBDISTRICT_ADMIN)
    return [
        {
            "region": r,
            "rank": ranks.get(r.pk),
            "link": reverse("assessment:score", args=[ranks[r.pk].score_id])
            if can_open and r.pk in ranks
            else "",
        }
        for r in regions
    ]


@login_required
def overview_view(request: HttpRequest, code: str | None = None) -> HttpResponse:
    scope, region = _region(request, code)
    cockpit = cockpit_get(region)
    total, children = cockpit.overview
    crumbs = [r for r in region.ancestors() if scope.covers(r)] + [region]
    ranked = sorted(cockpit.children, key=lambda c: (-c.issued, c.region.code))
    return render(
        request,
        "cockpit/overview.html",
        {
            "region": region,
            "total": total,
            "children": children,
            "cockpit": cockpit,
            "tiles": _tiles(scope, cockpit),
            "ranks": _ranks(scope, cockpit),
            "crumbs": crumbs,
            "drill": region_can_drill(region),
            "chart": {
                "names": [c.region.name for c in children],
                "series": [
                    {"name": _("居民"), "data": [c.residents for c in children]},
                    {"name": _("党员"), "data": [c.party_members for c in children]},
                ],
            },
            "trend": cockpit.trend,
            "ranked": {
                "names": [c.region.name for c in ranked],
                "series": [
                    {"name": _("发放积分"), "data": [c.issued for c in ranked]},
                    {"name": _("兑换积分"), "data": [c.redeemed for c in ranked]},
                ],
            },
        },
    )


@login_required
def export_xlsx(request: HttpRequest, code: str) -> HttpResponse:
    _scope, region = _region(request, code)
    cockpit = cockpit_get(region)
    return xlsx_response(
        request,
        filename=f"cockpit-{region.code}-{cockpit.year}",
        sheets=exports.cockpit_sheets(cockpit),
        action="cockpit.export",
        target=region,
        detail={"region": region.code, "year": cockpit.year, "format": "xlsx"},
    )


@login_required
def export_json(request: HttpRequest, code: str) -> HttpResponse:
    _scope, region = _region(request, code)
    cockpit = cockpit_get(region)
    audit(
        request.user,
        "cockpit.export",
        region,
        after={"region": region.code, "format": "json"},
        request=request,
    )
    response = HttpResponse(
        json.dumps(cockpit.as_json(), ensure_ascii=False, indent=1), content_type="application/json"
    )
    response["Content-Disposition"] = f'attachment; filename="cockpit-{region.code}-{cockpit.year}.json"'
    return response

"""Service-circle indicators: residents within the 15-minute walk, and service places left idle.

Coverage comes from the circle app's own computation (`coverage_get`: the whole district's walking
network, every service place, the default 15-minute walk), which it caches per process while its
places, points and network are unchanged, so a run computes it once for all its subjects.
"""

import datetime as dt
from decimal import Decimal

import numpy as np

from jiceng.activities.queries.places import IDLE_DAYS, place_list_idle
from jiceng.assessment.catalogue.registry import Result, Subtrees, batch_of, computation, ids, window
from jiceng.circle.models import ServicePlace
from jiceng.circle.queries.district import coverage_get
from jiceng.circle.queries.figures import code_in_region, point_mask
from jiceng.circle.queries.params import CircleParams
from jiceng.regions.models import Region


@computation(
    code="circle.coverage",
    name="一刻钟服务圈居民覆盖率",
    description="辖区居住点登记的人口（只登记户数的按每户2.62人折算）中，步行15分钟（1000米）"
    "路网距离内有服务阵地的比例；按计算时的阵地、居住点和步行路网，尚未导入居住点或路网的不计",
    unit="%",
    floor=50,
    target=100,
)
def coverage(region: Region, start, end) -> Result:
    cov = coverage_get(Region.objects.get(code=region.district_code), CircleParams())
    if cov.result is None or cov.points.stand_in:
        return Result(None)
    return _covered_share(cov, point_mask(cov, region))


def _covered_share(cov, mask) -> Result:
    population = float(cov.points.population[mask].sum())
    if population <= 0:
        return Result(None)
    covered = mask & cov.covered
    value = (
        Decimal(str(float(cov.points.population[covered].sum()))) * 100 / Decimal(str(population))
    ).quantize(Decimal("0.1"))
    points = [cov.points.ids[i] for i in mask.nonzero()[0].tolist()]
    places = {cov.places.ids[cov.nearest[i]] for i in covered.nonzero()[0].tolist() if cov.nearest[i] >= 0}
    return Result(value, ids("circle.ResidentialPoint", points) + ids("circle.ServicePlace", places))


@batch_of("circle.coverage")
def coverage_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    """The district's coverage is computed once (and cached by `coverage_get`); each subject's mask is
    read from the points' distinct community codes, not from every point once per subject."""
    out = {}
    for district in {s.district_code for s in subjects}:
        mine = [s for s in subjects if s.district_code == district]
        cov = coverage_get(Region.objects.get(code=district), CircleParams())
        if cov.result is None or cov.points.stand_in:
            out.update({s.pk: Result(None) for s in mine})
            continue
        codes = np.array(cov.points.community_codes, dtype=object)
        distinct = set(cov.points.community_codes)
        for s in mine:
            inside = [c for c in distinct if code_in_region(c, s)]
            out[s.pk] = _covered_share(cov, np.isin(codes, inside))
    return out


@computation(
    code="activities.idle_places",
    name="服务阵地空置（扣分指标）",
    description=f"辖区社区的服务阵地（考核期末已登记）中，考核期最后{IDLE_DAYS}天内没有举办过一次活动"
    "（未取消、已开始）的个数；按个数扣分，每个扣多少分见考核方案",
    unit="个",
    rule="per_event",
    base_points=100,
    per_event=-10,
)
def idle_places(region: Region, start, end) -> Result:
    idle = [pk for pk, _c in _idle(region.subtree_q("community"), start, end)]
    return Result(len(idle), ids("circle.ServicePlace", idle))


def _idle(q, start, end) -> list[tuple[int, int]]:
    _lo, hi = window(start, end)
    places = ServicePlace.objects.filter(q, created_at__lt=hi)
    return list(place_list_idle(places, hi - dt.timedelta(microseconds=1)).values_list("pk", "community_id"))


@batch_of("activities.idle_places")
def idle_places_batch(subjects: list[Region], start, end) -> dict[int, Result]:
    tree = Subtrees(subjects)
    found = tree.spread((pk, c, c) for pk, c in _idle(tree.within("community"), start, end))
    return {
        pk: Result(len(rows), ids("circle.ServicePlace", [p for p, _c in rows])) for pk, rows in found.items()
    }

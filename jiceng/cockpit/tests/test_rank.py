"""The assessment rank tile: the latest final run's total, grade and rank of the region and its children."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from jiceng.assessment.models import Score, SubjectType
from jiceng.assessment.services import manual_approve, manual_enter, run_compute, run_publish
from jiceng.assessment.tests.factories import published_scheme
from jiceng.assessment.tests.test_manual import pdf
from jiceng.cockpit.queries.rank import rank_by_region

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def block(body: str, code: str) -> str:
    """What the rank tile shows for one region: its block up to the next region's, or the tile's end."""
    rest = body[body.index(f'data-rank="{code}"') + 1 :]
    ends = [i for i in (rest.find("data-rank="), rest.find("</section>")) if i >= 0]
    return rest[: min(ends)]


def subdistrict_run(regions, personas, *, published_days_ago: int | None):
    """A subdistrict scheme of one manual indicator: A reached its target, B did not."""
    scheme = published_scheme(
        regions["district"],
        TODAY.year,
        SubjectType.SUBDISTRICT,
        [("manual", Decimal(100), {"name": "安全生产无事故", "target": Decimal(1)})],
    )
    ind = scheme.indicators.get(code="manual")
    for key, value in (("A", 1), ("B", 0)):
        entry = manual_enter(
            indicator=ind, subject=regions[key], value=value, evidence=pdf(), by=personas["district_admin"]
        )
        manual_approve(entry=entry, by=personas["outsider_sub_admin"])
    run = run_compute(
        scheme=scheme,
        period_start=TODAY - dt.timedelta(days=30),
        period_end=TODAY,
        by=personas["district_admin"],
    )
    if published_days_ago is not None:
        run_publish(
            run=run, by=personas["district_admin"], today=TODAY - dt.timedelta(days=published_days_ago)
        )
    return run


def test_a_final_run_ranks_each_subdistrict_among_subdistricts(client, regions, personas):
    run = subdistrict_run(regions, personas, published_days_ago=10)
    a, b = run.scores.get(region=regions["A"]), run.scores.get(region=regions["B"])
    peers = Score.objects.filter(run=run).count()
    assert (a.total, a.rank, a.grade) == (Decimal("100.0"), 1, "excellent") and b.total == Decimal("0.0")
    ranks = rank_by_region([regions["district"], regions["A"], regions["B"], regions["A1"]])
    assert set(ranks) == {regions["A"].pk, regions["B"].pk}  # the district is no subject; A1 has no run
    assert (ranks[regions["A"].pk].total, ranks[regions["A"].pk].rank, ranks[regions["A"].pk].peers) == (
        Decimal("100.0"),
        1,
        peers,
    )
    assert ranks[regions["A"].pk].grade == "优秀" and ranks[regions["B"].pk].rank == b.rank

    client.force_login(personas["district_admin"])
    body = client.get(reverse("cockpit:region", args=[regions["district"].code])).content.decode()
    row = block(body, regions["A"].code)
    assert "100.0" in row and "优秀" in row and f"第 1 / {peers} 名" in row
    assert reverse("assessment:score", args=[a.pk]) in row
    assert "不是本区考核的对象" in block(body, regions["district"].code)
    body = client.get(reverse("cockpit:region", args=[regions["A1"].code])).content.decode()
    assert "尚无考核结果" in block(body, regions["A1"].code)


def test_a_run_still_on_notice_or_unpublished_is_not_shown(client, regions, personas):
    subdistrict_run(regions, personas, published_days_ago=None)
    assert rank_by_region([regions["A"]]) == {}
    subdistrict_run_published = Score.objects.get(region=regions["A"]).run
    run_publish(run=subdistrict_run_published, by=personas["district_admin"], today=TODAY)
    assert rank_by_region([regions["A"]]) == {}  # its objection period runs until TODAY + 6
    client.force_login(personas["sub_admin"])
    body = client.get(reverse("cockpit:region", args=[regions["A"].code])).content.decode()
    assert "尚无考核结果" in block(body, regions["A"].code)


def test_a_community_worker_sees_the_rank_without_a_link(client, regions, personas):
    run = subdistrict_run(regions, personas, published_days_ago=10)
    client.force_login(personas["sub_admin"])
    body = client.get(reverse("cockpit:region", args=[regions["A"].code])).content.decode()
    assert reverse("assessment:score", args=[run.scores.get(region=regions["A"]).pk]) in body
    client.force_login(personas["worker"])
    body = client.get(reverse("cockpit:region", args=[regions["A1"].code])).content.decode()
    assert "/assessment/scores/" not in body

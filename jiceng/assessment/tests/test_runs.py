"""Runs: every subject scored, ranked and graded, values frozen with their records, and a stable hash."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from jiceng.assessment.errors import AssessmentError
from jiceng.assessment.models import Grade, Indicator, ScoreLine, SubjectType
from jiceng.assessment.services import (
    indicator_add,
    run_compute,
    scheme_create,
    scheme_publish,
    scheme_revise,
)
from jiceng.assessment.tests.factories import published_scheme
from jiceng.assessment.tests.test_catalogue_bank import settled_claim
from jiceng.regions.models import Level, Region

YEAR = timezone.localdate().year


def community_scheme(regions):
    return published_scheme(
        regions["district"],
        YEAR,
        SubjectType.COMMUNITY,
        [("bank.coverage", Decimal(60), {}), ("lists.needs_resolved", Decimal(40), {})],
    )


def test_a_run_scores_every_community_and_freezes_its_records(personas, rules, regions, period):
    claim = settled_claim(personas, rules)
    scheme = community_scheme(regions)
    run = run_compute(
        scheme=scheme, period_start=period[0], period_end=period[1], by=personas["district_admin"]
    )
    communities = Region.objects.filter(
        regions["district"].subtree_q(), level=Level.COMMUNITY, is_active=True
    )
    assert run.scores.count() == communities.count()
    top = run.scores.get(rank=1)
    assert top.region == regions["A1"] and top.total == Decimal("60.0") and top.grade == Grade.PASS
    line = top.lines.get(indicator__code="bank.coverage")
    assert (line.value, line.points, line.weighted) == (Decimal("100"), Decimal("100.0"), Decimal("60.00"))
    assert line.records == [["bank.Notice", claim.notice.pk]]
    other = run.scores.get(region=regions["B1"])
    assert other.total == Decimal("0.0") and other.grade == Grade.FAIL and other.rank == 2  # all others tie
    needs = other.lines.get(indicator__code="lists.needs_resolved")
    assert needs.value is None and needs.points == 0  # nothing to resolve: no points, shown as 无数据


def test_rerunning_unchanged_records_gives_the_same_hash(personas, rules, regions, period):
    settled_claim(personas, rules)
    scheme = community_scheme(regions)
    first = run_compute(scheme=scheme, period_start=period[0], period_end=period[1])
    second = run_compute(scheme=scheme, period_start=period[0], period_end=period[1])
    assert second.version == first.version + 1
    assert len(first.input_hash) == 64 and second.input_hash == first.input_hash
    settled_claim(personas, rules)  # a new settled award is a new input
    third = run_compute(scheme=scheme, period_start=period[0], period_end=period[1])
    assert third.input_hash != first.input_hash
    # the earlier run keeps its frozen records
    line = ScoreLine.objects.get(
        score__run=first, score__region=regions["A1"], indicator__code="bank.coverage"
    )
    assert len(line.records) == 1


def test_grades_follow_the_schemes_bands(regions):
    scheme = scheme_create(
        district=regions["district"], year=YEAR, subject_type=SubjectType.SUBDISTRICT, name="街道考核"
    )
    assert [scheme.grade_for(Decimal(v)) for v in ("90", "89.9", "80", "60", "59.9")] == [
        Grade.EXCELLENT,
        Grade.GOOD,
        Grade.GOOD,
        Grade.PASS,
        Grade.FAIL,
    ]


def test_a_published_scheme_is_frozen_and_a_revision_is_a_new_version(regions):
    scheme = community_scheme(regions)
    with pytest.raises(AssessmentError, match="已发布的方案不能修改"):
        indicator_add(scheme=scheme, code="bank.review_days", weight=10)
    new = scheme_revise(scheme=scheme)
    assert (new.version, new.state) == (2, "draft")
    assert [i.code for i in new.indicators.all()] == ["bank.coverage", "lists.needs_resolved"]
    indicator_add(scheme=new, code="bank.review_days", weight=10)
    assert scheme.indicators.count() == 2  # the published version is untouched
    with pytest.raises(AssessmentError, match="权重之和应为100"):
        scheme_publish(scheme=new)


def test_a_draft_cannot_be_run_and_unknown_codes_are_refused(regions):
    scheme = scheme_create(
        district=regions["district"], year=YEAR, subject_type=SubjectType.COMMUNITY, name="草稿"
    )
    with pytest.raises(AssessmentError, match="没有编号"):
        indicator_add(scheme=scheme, code="bank.page_views", weight=10)
    with pytest.raises(AssessmentError, match="不适用"):
        indicator_add(scheme=scheme, code="funding.social_org", weight=10)  # a subdistrict's target
    with pytest.raises(AssessmentError, match="只有已发布"):
        run_compute(scheme=scheme, period_start=dt.date(YEAR, 1, 1), period_end=dt.date(YEAR, 12, 31))


def test_per_event_scoring_is_capped():
    ind = Indicator(rule="per_event", max_points=Decimal(20), base_points=Decimal(10), per_event=Decimal(-5))
    assert [ind.points_for(Decimal(n)) for n in (0, 1, 2, 3)] == [Decimal("10.0"), Decimal("5.0"), 0, 0]
    plus = Indicator(rule="per_event", max_points=Decimal(10), base_points=Decimal(0), per_event=Decimal(2))
    assert [plus.points_for(Decimal(n)) for n in (0, 3, 6)] == [0, Decimal("6.0"), Decimal("10.0")]

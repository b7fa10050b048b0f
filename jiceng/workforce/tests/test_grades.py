"""The grade is derived from seniority, qualification, assessment and correction, across years."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from conftest import make_person
from jiceng.workforce import services
from jiceng.workforce.models import Cause, GradeChange, Result
from jiceng.workforce.queries import grade_of, settings_get
from jiceng.workforce.tests.factories import hire

pytestmark = pytest.mark.django_db


def _grade(worker, on=None):
    return grade_of(worker, settings_get(worker.district_id, 2026), on=on)


def _years(worker, actor, results: dict[int, str]):
    for year, result in sorted(results.items()):
        services.assessment_record(actor=actor, worker=worker, year=year, result=result)
    for year in sorted(results):
        services.promotion_run(actor=actor, district=worker.district, year=year)


def test_a_hand_computed_career(regions, personas):
    """Hired 2015-03-01 as 其他 (grades 1–12): a step in 2018, 2021 and 2024 runs, plus 社会工作师 +2."""
    admin = personas["sub_admin"]
    worker = hire(regions["A1"], admin)
    assert _grade(worker) == 1
    _years(worker, admin, dict.fromkeys(range(2015, 2025), Result.PASS))
    assert _grade(worker, dt.date(2018, 12, 31)) == 1
    assert _grade(worker, dt.date(2019, 1, 1)) == 2
    assert _grade(worker, dt.date(2022, 1, 1)) == 3
    assert _grade(worker, dt.date(2025, 1, 1)) == 4
    services.qualification_record(
        actor=admin, worker=worker, level="intermediate", cert_number="Z2025", issued_on=dt.date(2025, 5, 1)
    )
    assert _grade(worker) == 6
    # A lower qualification later adds nothing: the highest counts, they do not stack.
    services.qualification_record(
        actor=admin, worker=worker, level="junior", cert_number="J2025", issued_on=dt.date(2025, 6, 1)
    )
    assert _grade(worker) == 6
    # A senior one adds only the difference (3 - 2).
    services.qualification_record(
        actor=admin, worker=worker, level="senior", cert_number="S2025", issued_on=dt.date(2025, 7, 1)
    )
    assert _grade(worker) == 7


def test_a_year_below_pass_holds_the_step_back_until_a_passing_year(regions, personas):
    admin = personas["sub_admin"]
    worker = hire(regions["A1"], admin, hired_on=dt.date(2016, 1, 1))
    _years(worker, admin, {2016: Result.PASS, 2017: Result.PASS, 2018: Result.BASIC})
    assert _grade(worker, dt.date(2019, 1, 1)) == 1
    lines = services.promotion_run(actor=admin, district=worker.district, year=2018)
    assert "暂缓晋级" in lines[0].reason
    _years(worker, admin, {2019: Result.PASS})
    assert _grade(worker, dt.date(2020, 1, 1)) == 2


def test_two_excellent_years_move_one_grade_early(regions, personas):
    admin = personas["sub_admin"]
    worker = hire(regions["A1"], admin, hired_on=dt.date(2020, 1, 1))
    _years(worker, admin, {2020: Result.EXCELLENT, 2021: Result.EXCELLENT, 2022: Result.EXCELLENT})
    causes = list(GradeChange.objects.filter(worker=worker).values_list("year", "cause"))
    # 2021: two excellent years → early step; 2022: seniority (3 years) but no second early step in a row.
    assert causes == [(2021, Cause.ASSESSMENT), (2022, Cause.SENIORITY)]
    assert _grade(worker, dt.date(2023, 1, 1)) == 3


def test_the_promotion_run_is_idempotent_per_year(regions, personas):
    admin = personas["sub_admin"]
    worker = hire(regions["A1"], admin, hired_on=dt.date(2018, 1, 1))
    _years(worker, admin, {2020: Result.PASS})
    first = services.promotion_run(actor=admin, district=worker.district, year=2020)
    again = services.promotion_run(actor=admin, district=worker.district, year=2020)
    assert GradeChange.objects.filter(worker=worker).count() == 1
    assert [(line.grade_before, line.grade_after) for line in first] == [(1, 2)]
    assert [(line.grade_before, line.grade_after) for line in again] == [(1, 2)]
    with pytest.raises(IntegrityError), transaction.atomic():
        GradeChange.objects.create(
            district_id=worker.district_id,
            worker=worker,
            cause=Cause.SENIORITY,
            delta=1,
            grade_after=3,
            effective_on=dt.date(2021, 1, 1),
            year=2020,
        )


def test_the_top_of_the_post_caps_every_step_and_only_a_correction_goes_down(regions, personas):
    admin = personas["sub_admin"]
    worker = hire(regions["A1"], admin, post="head", hired_on=dt.date(2010, 1, 1))
    assert _grade(worker) == 7
    services.grade_correct(actor=admin, worker=worker, delta=15, on=dt.date(2011, 1, 1), note="原有等级")
    assert _grade(worker) == 18
    services.qualification_record(
        actor=admin, worker=worker, level="senior", cert_number="S1", issued_on=dt.date(2012, 1, 1)
    )
    assert _grade(worker) == 18
    services.grade_correct(actor=admin, worker=worker, delta=-2, on=dt.date(2013, 1, 1), note="录入有误")
    assert _grade(worker) == 16
    with pytest.raises(services.WorkforceError):
        services.grade_correct(actor=admin, worker=worker, delta=-20, on=dt.date(2013, 2, 1), note="")
    with pytest.raises(IntegrityError), transaction.atomic():
        GradeChange.objects.create(
            district_id=worker.district_id,
            worker=worker,
            cause=Cause.SENIORITY,
            delta=-1,
            grade_after=15,
            effective_on=dt.date(2014, 1, 1),
            year=2013,
        )


def test_a_placement_carries_the_steps_into_the_new_posts_range(regions, personas):
    admin = personas["sub_admin"]
    worker = hire(regions["A1"], admin, hired_on=dt.date(2012, 1, 1))
    services.grade_correct(actor=admin, worker=worker, delta=11, on=dt.date(2012, 1, 1), note="原有等级")
    assert _grade(worker) == 12
    services.worker_place(
        actor=admin, worker=worker, community=regions["A2"], post="deputy", on=dt.date(2020, 1, 1)
    )
    worker.refresh_from_db()
    assert _grade(worker) == 15  # deputy 4 + 11 steps, within 4–15
    assert worker.user.grants.filter(role="community_worker", region=regions["A2"]).exists()
    assert not worker.user.grants.filter(role="community_worker", region=regions["A1"]).exists()


STEP = st.one_of(
    st.tuples(st.just("year"), st.sampled_from(list(Result.values))),
    st.tuples(st.just("qualification"), st.sampled_from(["junior", "intermediate", "senior"])),
    st.tuples(st.just("correction"), st.integers(-5, 5).filter(bool)),
)


class TestGradeInvariants(HypothesisTestCase):
    """Whatever happens across years, the grade stays within the post and falls only by correction."""

    @hsettings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(post=st.sampled_from(["head", "deputy", "other"]), steps=st.lists(STEP, min_size=1, max_size=14))
    def test_grade_stays_in_range_and_falls_only_by_correction(self, post, steps):
        from conftest import PASSWORD  # noqa: F401 - the root conftest is importable
        from jiceng.demo import DEMO_DISTRICT, DEMO_SOURCE
        from jiceng.regions.models import Region
        from jiceng.regions.services import regions_import_divisions

        if not Region.objects.filter(code=DEMO_DISTRICT).exists():
            regions_import_divisions(source=DEMO_SOURCE, district=DEMO_DISTRICT, progress=False)
        community = Region.objects.filter(level="community").order_by("code").first()
        worker = services.worker_hire(
            actor=None,
            person=make_person(community, "社工"),
            community=community,
            post=post,
            hired_on=dt.date(2000, 1, 1),
        )
        low, high = settings_get(worker.district_id, 2026).range_of(post)
        year, grade = 2000, _grade(worker)
        for kind, value in steps:
            if kind == "year":
                services.assessment_record(actor=None, worker=worker, year=year, result=value)
                services.promotion_run(actor=None, district=worker.district, year=year)
                year += 1
            elif kind == "qualification":
                try:
                    services.qualification_record(
                        actor=None,
                        worker=worker,
                        level=value,
                        cert_number="X1",
                        issued_on=dt.date(year, 6, 1),
                    )
                except services.WorkforceError:
                    pass
            else:
                try:
                    services.grade_correct(
                        actor=None, worker=worker, delta=value, on=dt.date(year, 6, 1), note="更正"
                    )
                except services.WorkforceError:
                    pass
            now = _grade(worker)
            assert low <= now <= high
            if kind != "correction":
                assert now >= grade
            grade = now
        # The grade is the bottom plus the recorded steps, clamped: nothing typed.
        steps_sum = sum(GradeChange.objects.filter(worker=worker).values_list("delta", flat=True))
        assert _grade(worker) == max(low, min(high, low + steps_sum))


def test_the_promotion_list_read_again_shows_what_that_year_did_after_a_later_qualification(
    regions, personas
):
    """A qualification recorded after the 2018 run, effective the day the step took effect, moves the
    worker's grade but not the 2018 list: 1 → 2, as the step was recorded."""
    admin = personas["sub_admin"]
    worker = hire(regions["A1"], admin)
    _years(worker, admin, dict.fromkeys(range(2015, 2019), Result.PASS))
    services.qualification_record(
        actor=admin, worker=worker, level="senior", cert_number="S2019", issued_on=dt.date(2019, 1, 1)
    )
    (line,) = [x for x in services.promotion_run(actor=admin, district=worker.district, year=2018) if x.moved]
    assert (line.grade_before, line.grade_after) == (1, 2)
    assert _grade(worker, dt.date(2019, 1, 1)) == 5

"""The assessment demo: a published scheme for subdistricts, communities and resident units, each with one run."""

import pytest

from jiceng.assessment.models import AssessmentRun, Scheme, Score

pytestmark = pytest.mark.django_db


def test_the_demo_is_registered_last_of_the_domain_apps_and_idempotent():
    from jiceng.assessment.demo import load_assessment_demo, load_assessment_runs_demo
    from jiceng.bank.demo_claims import load_claims_demo
    from jiceng.demo import registry
    from jiceng.demo.district import load_regions_demo
    from jiceng.funding.demo import load_funding_demo

    loaders = registry.loaders()
    assert loaders.index(load_funding_demo) < loaders.index(load_assessment_demo)
    assert loaders.index(load_claims_demo) < loaders.index(load_assessment_runs_demo)
    district = load_regions_demo(False)
    load_assessment_demo(district)
    assert Scheme.objects.count() == 3 and not AssessmentRun.objects.exists()
    load_assessment_runs_demo(district)
    schemes = list(Scheme.objects.order_by("subject_type"))
    assert [s.subject_type for s in schemes] == ["community", "subdistrict", "unit"]
    assert all(s.is_frozen and sum(i.weight for i in s.indicators.all()) == 100 for s in schemes)
    assert AssessmentRun.objects.count() == 3 and Score.objects.exists()
    counts = (Scheme.objects.count(), AssessmentRun.objects.count(), Score.objects.count())
    load_assessment_demo(district)
    load_assessment_runs_demo(district)
    assert (Scheme.objects.count(), AssessmentRun.objects.count(), Score.objects.count()) == counts


def test_the_demo_community_run_is_published_and_drawn_into_notices_once():
    from conftest import make_user
    from jiceng.assessment.demo import load_assessment_demo, load_assessment_runs_demo
    from jiceng.assessment.models import Publication, Sanction
    from jiceng.core.models import Role
    from jiceng.demo.district import load_regions_demo

    district = load_regions_demo(False)
    make_user("district", Role.DISTRICT_ADMIN, region=district)
    load_assessment_demo(district)
    load_assessment_runs_demo(district)
    run = AssessmentRun.objects.get(scheme__subject_type="community")
    assert Publication.objects.get(run=run).closes_on < run.computed_at.date()
    made = Sanction.objects.filter(run=run)
    assert made.exists() and all(s.decided_by.username == "district" for s in made)
    assert {s.kind for s in made} <= {"honour", "criticism"}
    assert made.count() == run.scores.filter(grade__in=["excellent", "fail"]).count()
    count = made.count()
    load_assessment_runs_demo(district)
    assert Sanction.objects.count() == count

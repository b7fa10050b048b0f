"""The assessment demo: a published scheme for subdistricts, communities and resident units, each with one run."""

from decimal import Decimal

import pytest
from django.utils import timezone

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


def test_the_demo_subdistrict_run_shows_an_objection_upheld_on_the_record_and_a_second_version():
    from conftest import make_user
    from jiceng.alliance.models import Meeting
    from jiceng.alliance.services import alliance_create
    from jiceng.assessment.demo import load_assessment_demo, load_assessment_runs_demo
    from jiceng.assessment.models import ObjectionState, Publication, RunObjection
    from jiceng.assessment.queries.runs import run_changes
    from jiceng.core.models import Role
    from jiceng.demo.district import load_regions_demo
    from jiceng.regions.models import Region

    district = load_regions_demo(False)
    sub = Region.objects.filter(parent=district).order_by("code").first()
    admin = make_user("district", Role.DISTRICT_ADMIN, region=district)
    street = make_user("street", Role.SUBDISTRICT_ADMIN, region=sub)
    alliance_create(region=sub, actor=street, default_place="街道党群服务中心")
    load_assessment_demo(district)
    load_assessment_runs_demo(district)

    first, second = AssessmentRun.objects.filter(scheme__subject_type="subdistrict").order_by("version")
    assert (first.version, second.version) == (1, 2) and first.input_hash != second.input_hash
    assert Publication.objects.filter(run__in=[first, second]).count() == 2
    obj = RunObjection.objects.get()
    assert obj.line.score.run == first and obj.line.score.region == sub
    assert obj.line.indicator.code == "alliance.symposia" and obj.raised_by == street
    assert obj.state == ObjectionState.UPHELD and obj.decided_by == admin and obj.resolved_by_run == second
    meeting = Meeting.objects.get(alliance__region=sub, kind="symposium")
    assert meeting.status == "held" and meeting.minutes  # the record was corrected, through the alliance
    old = first.scores.get(region=sub).lines.get(indicator__code="alliance.symposia")
    new = second.scores.get(region=sub).lines.get(indicator__code="alliance.symposia")
    assert (old.value, old.records) == (0, [])  # the first version is never touched
    assert new.value == 1 and new.records == [["alliance.Meeting", meeting.pk]]
    assert new.points == Decimal("16.7") and old.points == 0  # 1 of the 6 a year
    changes = run_changes(second, second.scores.all())
    assert [(c["subject"], c["indicator"], c["added"], c["removed"]) for c in changes] == [
        (sub.name, "双月座谈会按期召开并有纪要", 1, 0)
    ]
    counts = (AssessmentRun.objects.count(), RunObjection.objects.count(), Meeting.objects.count())
    load_assessment_demo(district)
    load_assessment_runs_demo(district)
    assert (AssessmentRun.objects.count(), RunObjection.objects.count(), Meeting.objects.count()) == counts


def test_the_demo_unit_run_counts_the_approved_ratings_and_not_the_one_waiting():
    from conftest import make_user
    from jiceng.alliance.services import alliance_create, member_join
    from jiceng.assessment.demo import UNIT_RATING, load_assessment_demo, load_assessment_runs_demo
    from jiceng.assessment.models import ManualEntry
    from jiceng.core.models import Role
    from jiceng.demo.district import load_regions_demo
    from jiceng.orgs.models import Kind, Organization
    from jiceng.regions.models import Region

    district = load_regions_demo(False)
    sub = Region.objects.filter(parent=district).order_by("code").first()
    admin = make_user("district", Role.DISTRICT_ADMIN, region=district)
    second = make_user("district2", Role.DISTRICT_ADMIN, region=district)
    street = make_user("street", Role.SUBDISTRICT_ADMIN, region=sub)
    alliance = alliance_create(region=sub, actor=street, default_place="街道党群服务中心")
    units = [
        Organization.objects.create(district=district, region=sub, kind=Kind.UNIT, name=name)
        for name in ("甲单位", "乙单位", "丙单位")
    ]
    outsider = Organization.objects.create(district=district, region=sub, kind=Kind.UNIT, name="丁单位")
    for unit in units:
        member_join(alliance=alliance, organization=unit, joined_on=timezone.localdate(), actor=street)
    load_assessment_demo(district)
    load_assessment_runs_demo(district)

    entries = ManualEntry.objects.filter(indicator__name=UNIT_RATING).order_by("organization__name")
    assert {e.organization for e in entries} == set(units)  # the alliance's members, not the outsider
    assert all(e.entered_by == admin and e.evidence for e in entries)
    waiting = [e for e in entries if not e.is_approved]
    assert len(waiting) == 1 and all(e.approved_by == second for e in entries if e.is_approved)
    run = AssessmentRun.objects.get(scheme__subject_type="unit")
    line = {s.organization_id: s.lines.get(indicator__name=UNIT_RATING) for s in run.scores.all()}
    for e in entries:
        assert line[e.organization_id].value == (None if e in waiting else e.value)
    assert line[outsider.pk].value is None
    count = ManualEntry.objects.count()
    load_assessment_runs_demo(district)
    assert ManualEntry.objects.count() == count

"""Resident units as subjects: a unit run, its objections, honours and notices, and the feedback sheet."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import login_client, make_person
from jiceng.activities.tests.factories import activity, attended
from jiceng.alliance import services as alliance
from jiceng.alliance import tokens
from jiceng.alliance.models import Attendance
from jiceng.alliance.tests.factories import alliance_a, at, held_meeting, org, party_org
from jiceng.assessment.errors import AssessmentError
from jiceng.assessment.models import Grade, Sanction, SanctionKind, SubjectType
from jiceng.assessment.services import (
    indicator_add,
    manual_enter,
    objection_raise,
    plan_submit,
    run_compute,
    run_publish,
    sanctions_from_run,
    scheme_create,
)
from jiceng.assessment.tests.factories import published_scheme
from jiceng.orgs.models import Kind, Organization, PartyLevel
from jiceng.people.models import PartyMembership

TODAY = timezone.localdate()
YEAR = TODAY.year
UNIT_INDICATORS = [
    ("alliance.unit_attendance", Decimal(40), {}),
    ("alliance.unit_proposals_adopted", Decimal(60), {}),
]
BANDS = {"band_excellent": 60, "band_good": 40, "band_pass": 20}


@pytest.fixture
def unit_world(regions, personas):
    """Subdistrict A's alliance (示范单位 and A1's and A2's committees) and one meeting held 10 days ago.

    示范单位 checked in and two of its items became resolutions; A1's committee sent its apologies;
    A2's committee did not come. 外部单位 (B1) is in no alliance."""
    actor = personas["sub_admin"]
    a = alliance_a(regions, personas)
    unit = Organization.objects.get(name="示范单位")
    day = TODAY - dt.timedelta(days=10)
    meeting = held_meeting(a, actor, day)
    inv = {
        i.member.organization.region_id if i.member.kind != "unit" else "unit": i
        for i in meeting.invitations.all()
    }
    alliance.meeting_check_in(
        meeting=meeting,
        invitations=[inv["unit"]],
        token=tokens.token_for(meeting, meeting.scheduled_at),
        actor=personas["unit"],
        now=meeting.scheduled_at,
    )
    alliance.meeting_record_attendance(
        meeting=meeting,
        attendance={
            inv[regions["A1"].pk].pk: Attendance.EXCUSED,
            inv[regions["A2"].pk].pk: Attendance.ABSENT,
        },
        actor=actor,
    )
    member = a.members.get(organization=unit)
    for title in ("场地开放", "敬老活动"):
        item = alliance.agenda_item_add(meeting=meeting, title=title, proposer=member, actor=actor)
        alliance.resolution_add(meeting=meeting, text=title, agenda_item=item, actor=actor, now=at(day, 11))
    return {"alliance": a, "unit": unit, "meeting": meeting}


def unit_run(regions, personas):
    scheme = published_scheme(regions["district"], YEAR, SubjectType.UNIT, UNIT_INDICATORS, **BANDS)
    return run_compute(
        scheme=scheme,
        period_start=TODAY - dt.timedelta(days=30),
        period_end=TODAY,
        by=personas["district_admin"],
    )


def _final(run, personas):
    run_publish(run=run, by=personas["district_admin"], today=TODAY - dt.timedelta(days=10))
    return run


def test_a_unit_run_scores_every_resident_unit_and_alliance_member(unit_world, regions, personas):
    run = unit_run(regions, personas)
    a1, a2 = (Organization.objects.get(name=f"中共{regions[k].name}委员会") for k in ("A1", "A2"))
    rows = {s.subject_name: s for s in run.scores.all()}
    assert {n: (s.total, s.grade, s.rank) for n, s in rows.items()} == {
        "示范单位": (Decimal("64.0"), Grade.EXCELLENT, 1),  # 15/15 × 40 + 4/10 × 60
        a1.name: (Decimal("32.0"), Grade.PASS, 2),  # excused: the base 12 of 15, no proposal
        a2.name: (Decimal("18.7"), Grade.FAIL, 3),  # one unexcused absence: 7 of 15
        "外部单位": (Decimal("0.0"), Grade.FAIL, 4),  # invited to nothing, proposed nothing
    }
    unit = rows["示范单位"]
    assert unit.organization == unit_world["unit"] and unit.region == regions["A1"]
    assert unit.subject == unit_world["unit"] and unit.is_unit
    line = unit.lines.get(indicator__code="alliance.unit_attendance")
    inv = unit_world["meeting"].invitations.get(member__organization=unit_world["unit"])
    assert (line.value, line.points, line.records) == (
        Decimal(3),
        Decimal("15.0"),
        [["alliance.Invitation", inv.pk]],
    )
    assert rows["外部单位"].lines.get(indicator__code="alliance.unit_attendance").value is None


def test_the_hash_names_units_and_changes_with_their_records(unit_world, regions, personas):
    first = unit_run(regions, personas)
    again = run_compute(
        scheme=first.scheme, period_start=first.period_start, period_end=first.period_end, by=None
    )
    assert again.version == 2 and again.input_hash == first.input_hash
    member = unit_world["alliance"].members.get(organization=unit_world["unit"])
    item = alliance.agenda_item_add(meeting=unit_world["meeting"], title="停车", proposer=member, actor=None)
    alliance.resolution_add(meeting=unit_world["meeting"], text="错峰停车", agenda_item=item, actor=None)
    third = run_compute(scheme=first.scheme, period_start=first.period_start, period_end=first.period_end)
    assert third.input_hash != first.input_hash
    assert third.scores.get(organization=unit_world["unit"]).total == Decimal("76.0")  # 3 items: 6/10 × 60


def test_only_the_units_own_operator_objects_to_its_figure(unit_world, regions, personas):
    run = unit_run(regions, personas)
    run_publish(run=run, by=personas["district_admin"], today=TODAY)
    line = run.scores.get(organization=unit_world["unit"]).lines.get(
        indicator__code="alliance.unit_attendance"
    )
    for outsider in ("outsider_unit", "sub_admin", "worker"):
        with pytest.raises(AssessmentError, match="考核对象本身"):
            objection_raise(line=line, reason="出席记录有误，请核对", by=personas[outsider], today=TODAY)
    obj = objection_raise(line=line, reason="出席记录有误，请核对", by=personas["unit"], today=TODAY)
    assert obj.line == line and obj.raised_by == personas["unit"]


def test_honours_and_criticisms_of_units_and_the_criticised_units_plan(unit_world, regions, personas):
    run = _final(unit_run(regions, personas), personas)
    made = sanctions_from_run(run=run, by=personas["district_admin"], today=TODAY)
    a2 = f"中共{regions['A2'].name}委员会"
    assert sorted((s.kind, s.subject_name) for s in made) == sorted(
        [
            (SanctionKind.HONOUR, "示范单位"),
            (SanctionKind.CRITICISM, a2),
            (SanctionKind.CRITICISM, "外部单位"),
        ]
    )
    criticism = Sanction.objects.get(run=run, subject_name="外部单位")
    assert criticism.plan_due == TODAY + dt.timedelta(days=30)
    with pytest.raises(AssessmentError, match="被通报的对象"):
        plan_submit(
            sanction=criticism,
            text="整改方案：每季度至少联办一次活动，按时参加联席会议。",
            by=personas["unit"],
        )
    plan_submit(
        sanction=criticism,
        text="整改方案：每季度至少联办一次活动，按时参加联席会议。",
        by=personas["outsider_unit"],
    )
    criticism.refresh_from_db()
    assert criticism.plan_by == personas["outsider_unit"]


def test_a_unit_scheme_takes_no_region_indicator(regions):
    scheme = scheme_create(
        district=regions["district"], year=YEAR, subject_type=SubjectType.UNIT, name="单位"
    )
    with pytest.raises(AssessmentError, match="不适用"):
        indicator_add(scheme=scheme, code="bank.coverage", weight=50)
    community = scheme_create(district=regions["district"], year=YEAR, subject_type="community", name="社区")
    with pytest.raises(AssessmentError, match="不适用"):
        indicator_add(scheme=community, code="alliance.unit_attendance", weight=50)


def test_a_units_manual_indicator_counts_with_evidence_and_a_second_approver(
    unit_world, regions, personas, client, settings, tmp_path
):
    """安全生产 has no record in the product: the district enters it per unit with evidence, and it
    counts for that unit only once another administrator approved it; a region is not a unit's subject."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from conftest import make_user
    from jiceng.assessment.models import ManualEntry
    from jiceng.core.models import Role

    settings.MEDIA_ROOT = tmp_path
    scheme = published_scheme(
        regions["district"],
        YEAR,
        SubjectType.UNIT,
        [
            ("alliance.unit_attendance", Decimal(40), {}),
            ("alliance.unit_proposals_adopted", Decimal(40), {}),
            ("manual", Decimal(20), {"name": "安全生产", "target": Decimal(1)}),
        ],
        **BANDS,
    )
    ind = scheme.indicators.get(code="manual")
    unit, outside = unit_world["unit"], Organization.objects.get(name="外部单位")
    with pytest.raises(AssessmentError, match="不是本方案的考核对象"):
        manual_enter(
            indicator=ind,
            subject=regions["A1"],
            value=1,
            evidence=SimpleUploadedFile("证明.pdf", b"%PDF-1.4 x"),
            by=personas["district_admin"],
        )
    url = reverse("assessment:manual", args=[scheme.pk])
    login_client(client, personas["district_admin"])
    page = client.get(url).content.decode()
    assert "示范单位" in page and "外部单位" in page  # the scheme's units are the choices
    r = client.post(url, {"indicator": ind.pk, "subject": unit.pk, "value": "1"})
    assert "必须上传证明材料" in r.content.decode() and not ManualEntry.objects.exists()
    pdf = SimpleUploadedFile("证明.pdf", b"%PDF-1.4 evidence")
    r = client.post(
        url, {"indicator": ind.pk, "subject": unit.pk, "value": "1", "evidence": pdf}, follow=True
    )
    entry = ManualEntry.objects.get()
    assert (entry.organization, entry.region, entry.subject) == (unit, None, unit)
    assert "示范单位" in r.content.decode()
    period = {"period_start": TODAY - dt.timedelta(days=30), "period_end": TODAY}
    before = run_compute(scheme=scheme, **period).scores.get(organization=unit)
    assert before.lines.get(indicator=ind).value is None  # not approved yet
    second = make_user("d_admin_units", Role.DISTRICT_ADMIN, region=regions["district"])
    login_client(client, second)
    client.post(reverse("assessment:manual_approve", args=[entry.pk]))
    entry.refresh_from_db()
    assert entry.approved_by == second
    run = run_compute(scheme=scheme, **period)
    line = run.scores.get(organization=unit).lines.get(indicator=ind)
    assert (line.value, line.points, line.is_manual) == (Decimal(1), Decimal("100.0"), True)
    assert line.records == [["assessment.ManualEntry", entry.pk]]
    assert run.scores.get(organization=unit).total == before.total + Decimal("20.0")  # weight 20 of 100
    assert run.scores.get(organization=outside).lines.get(indicator=ind).value is None


def _reported_member(unit, regions, personas):
    """A party member of 示范单位's own branch, reported in to A1, who served 90 minutes in the period."""
    branch = org(
        regions["A1"], "中共示范单位支部委员会", kind=Kind.PARTY, party_level=PartyLevel.BRANCH, parent=unit
    )
    person = make_person(regions["A1"], "钱报到")
    PartyMembership.objects.create(person=person, district=regions["district"], origin="in_service")
    alliance.report_in_submit(
        person=person,
        origin="in_service",
        home_branch=branch,
        actor=None,
        today=TODAY - dt.timedelta(days=60),
    )
    served = activity(regions["A1"], personas["worker"], at(TODAY - dt.timedelta(days=5)), title="政策宣讲")
    attended(served, person, 90)
    old = activity(regions["A1"], personas["worker"], at(TODAY - dt.timedelta(days=45)), title="旧活动")
    attended(old, person, 30)  # before the period: not on the sheet
    return person


def test_the_feedback_sheet_goes_to_the_units_superior_organisation(unit_world, regions, personas, client):
    unit = unit_world["unit"]
    unit.parent = party_org(regions["A"], "中共示范单位上级党委")
    unit.save()
    _reported_member(unit, regions, personas)
    run = unit_run(regions, personas)
    url = reverse("assessment:feedback", args=[run.pk])
    page = login_client(client, personas["district_admin"]).get(url).content.decode()
    assert "公示期满" in page and "钱报到" not in page  # not final yet: no sheet
    _final(run, personas)
    page = client.get(url).content.decode()
    district = regions["district"].name
    assert f"中共{district}委组织部" in page and "中共示范单位上级党委" in page
    assert page.count('class="asmt-paper asmt-feedback"') == 4
    assert "钱报到" in page and "政策宣讲" in page and "旧活动" not in page
    assert "第1名（共4个单位）" in page

    mine = login_client(client, personas["unit"]).get(url).content.decode()
    assert mine.count('class="asmt-paper asmt-feedback"') == 1 and "外部单位" not in mine

    response = client.get(reverse("assessment:feedback_export", args=[run.pk]))
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["1.示范单位", "说明"]
    cells = [[c for c in row if c is not None] for row in book["1.示范单位"].iter_rows(values_only=True)]
    assert ["反馈对象（上级党组织）", "中共示范单位上级党委"] in cells
    assert ["总分", 64] in cells and ["等次", "优秀"] in cells
    assert ["联席会议出席", 3, "分", 15, 15] in cells
    assert ["提出议题形成决议", 2, "个", 4, 10] in cells
    member = next(row for row in cells if row and row[0] == "钱报到")
    assert member[1:4] == [regions["A1"].name, 1, 1.5] and "政策宣讲（90分钟）" in member[4]


def test_outsiders_and_region_runs_have_no_feedback_sheet(unit_world, regions, personas, client):
    run = _final(unit_run(regions, personas), personas)
    url = reverse("assessment:feedback", args=[run.pk])
    for who in ("resident", "worker", "outsider"):
        assert login_client(client, personas[who]).get(url).status_code == 404
    community = published_scheme(
        regions["district"], YEAR, "community", [("bank.coverage", Decimal(100), {})]
    )
    region_run = run_compute(scheme=community, period_start=TODAY - dt.timedelta(days=30), period_end=TODAY)
    admin = login_client(client, personas["district_admin"])
    assert admin.get(reverse("assessment:feedback", args=[region_run.pk])).status_code == 404
    assert admin.get(reverse("assessment:feedback_export", args=[region_run.pk])).status_code == 404


def test_a_unit_operator_reads_only_its_own_row_and_why(unit_world, regions, personas, client):
    run = unit_run(regions, personas)
    mine = run.scores.get(organization=unit_world["unit"])
    theirs = run.scores.get(subject_name="外部单位")
    unit = login_client(client, personas["unit"])
    page = unit.get(reverse("assessment:run", args=[run.pk])).content.decode()
    assert "示范单位" in page and "外部单位" not in page
    why = unit.get(reverse("assessment:score", args=[mine.pk])).content.decode()
    assert "联席会议出席" in why and "所依据的 1 条记录" in why
    assert unit.get(reverse("assessment:score", args=[theirs.pk])).status_code == 404
    sub = login_client(client, personas["sub_admin"])  # subdistrict A: the units registered in it
    rows = sub.get(reverse("assessment:run", args=[run.pk])).content.decode()
    assert "示范单位" in rows and "外部单位" not in rows

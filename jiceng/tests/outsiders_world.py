"""The victim world of the whole-URL outsider test: one of everything, owned by community A1.

Everything here belongs to subdistrict A, community A1, the unit 示范单位 in A1 or the
resident 李建国 of A1 (the conftest personas). The outsiders of the test (the personas
of subdistrict B and community B1) get only what a page needs to let them in at all
(an approved partner for the outside unit, a wallet for the outside resident), so that a
404 they get comes from the scope check and not from a missing precondition.

`MARKERS` are strings that only the victim world holds; no page served to an outsider
may contain one (`build_world` adds the voucher code and the check-in token). What the
product publishes on purpose is deliberately not a marker: a reward on the
district-wide shelf and its partner, the notice board's lines (masked name, category, rule
and points; the claimant's words only if they chose to show them) with the objections to
them and their outcome, and a community's public page. A social organisation's name is not a
marker either: it is registered in public with the civil affairs bureau, and any subdistrict of
the district may buy its service, so every administrator's contract form offers it.
"""

import datetime as dt
import io

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from conftest import make_person, make_user
from jiceng.activities import services as activities
from jiceng.activities import tokens
from jiceng.activities.models import CheckInMethod
from jiceng.activities.tests.factories import activity as make_activity
from jiceng.alliance import services as alliance
from jiceng.alliance import tokens as alliance_tokens
from jiceng.alliance.tests.factories import action_for, alliance_a, need, party_org, resource, sector_org
from jiceng.assessment import services as assessment
from jiceng.bank import ledger
from jiceng.bank.models import EarningRule, Transfer
from jiceng.bank.queries.notices import board_short_code
from jiceng.bank.services import claims, giving, objections, reviews, rewards, rules
from jiceng.bank.tests.test_rewards import fund, make_partner, make_reward
from jiceng.charters.services import charter_adopt
from jiceng.circle.models import PlaceKind, ServicePlace
from jiceng.circle.services.places import place_photo_add
from jiceng.core.models import ImportJob, Role
from jiceng.core.photos import photo_clean
from jiceng.diary.models import DiaryEntry
from jiceng.funding import services as funding
from jiceng.linkage import services as linkage
from jiceng.linkage.models import Evidence
from jiceng.orgs.models import Organization
from jiceng.people.models import Household, PartyMembership
from jiceng.regions.models import Level, Region
from jiceng.workforce import services as workforce

MARKERS = {
    "李建国": "the victim resident's full name",
    "13912345678": "the victim resident's phone number",
    "甲一日记私密内容": "the victim's diary text",
    "甲一待审申报说明": "the text of the victim's claim under review",
    "甲一善行申报说明": "the text of the victim's claim on notice: the claimant did not choose to show it",
    "甲一帮扶原因": "why a resident of A1 is on the list in need",
    "甲一独居老人": "the resident of A1 in need",
    "甲一街道本地规则": "an earning rule local to subdistrict A",
    "甲一居民名册": "the file name of A1's people import",
    "甲一阵地名册": "the file name of A1's service-place import",
    "甲一党群服务站": "a service place of A1",
    "甲街道联盟会场": "the default place of subdistrict A's alliance",
    "甲一电梯协商任务": "an action of subdistrict A's alliance",
    "甲一助老需求": "a need of A1",
    "甲一义诊资源": "a resource offered in A1",
    "甲一助老项目": "a project in A1",
    "甲一助老服务岗": "a service post of A1",
    "甲一商务楼宇": "a new-sector organisation in A1",
    "甲一楼宇党支部": "its party branch",
    "甲一楼道清洁": "an activity of A1",
    "甲一社工王芳": "a community worker of A1 (her record, grades and pay)",
    "甲一社工花名册": "the file name of A1's roster import",
    "甲一排查任务": "a task subdistrict A sent to A1",
    "甲一排查情况说明": "A1's report on that task",
    "甲一第一网格": "a grid of A1",
    "甲一网格住户地址": "the address of a household in that grid",
    "甲一网格名册": "the file name of A1's grid import",
    "甲一为老服务合同": "a purchased-service contract of A1",
    "甲一首期款": "a payment milestone of that contract",
    "甲一议事厅桌椅": "an expense of A1",
}


def _png() -> SimpleUploadedFile:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "PNG")
    return SimpleUploadedFile("place.png", buf.getvalue(), content_type="image/png")


def build_world(regions, personas) -> dict:
    """Build the victim world and the outsiders' preconditions; return the victim objects by name."""
    district, a, a1 = regions["district"], regions["A"], regions["A1"]
    worker, sub_admin, unit = personas["worker"], personas["sub_admin"], personas["unit"]
    resident = personas["resident"]
    victim = resident.person
    victim.phone = "13912345678"
    victim.save(update_fields=["phone"])
    today = timezone.localdate()
    now = timezone.now()
    w = {"district": district, "community": a1, "subdistrict": a, "victim": victim}

    # The outsiders' own preconditions: an approved partner, a wallet (empty: nothing to spend on the
    # district-wide shelf) and the love pool of B1, which the page would otherwise open on first visit.
    make_partner(personas["outsider_unit"], personas["outsider_sub_admin"], address="乙街 9 号")
    ledger.wallet_open(personas["outsider"].person)
    ledger.love_pool(regions["B1"])

    # The Moral Bank: points, a claim on notice with an objection, a local rule, the in-need list.
    rules.rule_catalogue_seed(district=district)
    fund(victim, 100)
    w["transfer"] = Transfer.objects.filter(credit=ledger.wallet_open(victim)).first()
    helping = EarningRule.objects.get(district=district, code="helping", is_current=True)
    claim = claims.claim_file(
        filer=resident,
        data=claims.ClaimInput(claimant=victim, rule=helping, deed_date=today, text="甲一善行申报说明"),
    )
    reviews.claim_review(reviewer=worker, claim=claim, approve=True)
    claim.refresh_from_db()
    w["notice"] = claim.notice
    w["board_short"] = board_short_code(a1)
    w["claim"] = claims.claim_file(
        filer=resident,
        data=claims.ClaimInput(claimant=victim, rule=helping, deed_date=today, text="甲一待审申报说明"),
    )
    neighbour = make_user("neighbour_a1", Role.RESIDENT, region=a1, person=make_person(a1, "邻居甲"))
    w["objection"] = objections.objection_file(user=neighbour, notice=claim.notice, reason="甲一异议理由内容")
    w["today"] = today
    w["rule"] = rules.rule_create(
        actor=sub_admin,
        district=district,
        subdistrict=a,
        code="a-local",
        category=helping.category,
        name="甲一街道本地规则",
        points_mode=helping.points_mode,
        points=3,
        evidence=helping.evidence,
        active_from=today,
    )
    in_need = make_person(a1, "甲一独居老人")
    w["person_in_need"] = giving.person_in_need_name(
        user=worker, community=a1, person=in_need, reason="甲一帮扶原因"
    )
    w["diary_entry"] = DiaryEntry.objects.create(
        district=district, person=victim, date=today, category="helping", text="甲一日记私密内容"
    )

    # The Moral Alliance: the unit of A1 is an approved partner with a reward, and the victim holds a voucher.
    partner = make_partner(unit, sub_admin)
    w["partner"] = partner
    w["reward"] = make_reward(partner, unit)
    w["redemption"] = rewards.redemption_create(person=victim, reward=w["reward"], request_id="victim")

    # Imports and the service circle.
    w["people_job"] = ImportJob.objects.create(
        kind="people", filename="甲一居民名册.xlsx", created_by=worker, region=a1
    )
    w["circle_job"] = ImportJob.objects.create(
        kind="circle_places", filename="甲一阵地名册.xlsx", created_by=worker, region=a1
    )
    w["place"] = ServicePlace.objects.create(
        district=district,
        community=a1,
        name="甲一党群服务站",
        kind=PlaceKind.NEIGHBOURHOOD,
        lon=104.04,
        lat=30.64,
    )
    w["photo"] = place_photo_add(place=w["place"], image=_png(), caption="门口", actor=worker)
    w["import_kind"] = "places"
    # A1's convention: public on the community page, so it carries no marker.
    w["charter"] = charter_adopt(
        community=a1,
        kind="convention",
        title="社区公约",
        body="邻里和睦，互帮互助。",
        adopted_on=today - dt.timedelta(days=30),
        attendance=50,
        votes_for=40,
        votes_against=5,
        votes_abstain=5,
        actor=worker,
    )

    # The party-building alliance of subdistrict A: members, a meeting, a resolution and an action.
    the_alliance = alliance_a(regions, personas)
    the_alliance.default_place = "甲街道联盟会场"
    the_alliance.save(update_fields=["default_place"])
    w["alliance"] = the_alliance
    w["member"] = the_alliance.members.get(organization__name="示范单位")
    w["action"] = action_for(
        the_alliance,
        sub_admin,
        day=today - dt.timedelta(days=3),
        due_on=today + dt.timedelta(days=30),
        title="甲一电梯协商任务",
    )
    w["resolution"] = w["action"].resolution
    w["meeting"] = w["resolution"].meeting
    w["invitation"] = w["meeting"].invitations.get(member=w["member"])
    w["meeting_token"] = alliance_tokens.token_for(w["meeting"])

    # The three lists: a resident's need, a unit's resource, and the project joining them.
    w["need"] = need(a1, worker, requester=victim, title="甲一助老需求")
    unit_org = w["unit_org"] = Organization.objects.get(name="示范单位")
    w["resource"] = resource(unit_org, a1, unit, title="甲一义诊资源")
    w["project"] = alliance.project_create(
        need=w["need"],
        resources=[w["resource"]],
        title="甲一助老项目",
        owner=unit_org,
        starts_on=today,
        ends_on=today + dt.timedelta(days=30),
        actor=worker,
    )

    # A party member of A1 reports in; the community confirms this year's service.
    branch = party_org(regions["A2"], "甲二支部")
    PartyMembership.objects.create(person=victim, district=district, origin="in_service", home_branch=branch)
    post = alliance.service_post_create(community=a1, name="甲一助老服务岗", actor=worker)
    w["report_in"] = alliance.report_in_submit(
        person=victim, origin="state_enterprise", home_branch=branch, posts=[post], actor=resident
    )
    alliance.report_in_confirm(report_in=w["report_in"], year=today.year, actor=worker)
    w["year"] = today.year

    # New-sector coverage: an office building in A1 and its party branch.
    w["sector_org"] = sector_org(a1, "甲一商务楼宇")
    w["sector_branch"] = alliance.sector_branch_found(
        sector_org=w["sector_org"],
        name="甲一楼宇党支部",
        founded_on=today - dt.timedelta(days=90),
        actor=sub_admin,
    )

    # An activity of A1 running now: the victim signed up and checked in.
    act = make_activity(a1, worker, now - dt.timedelta(minutes=30), title="甲一楼道清洁")
    activities.signup_create(activity=act, person=victim, actor=resident)
    w["checkin"] = activities.checkin_record(
        activity=act, person=victim, method=CheckInMethod.QR, actor=resident
    )
    w["activity"] = act
    w["checkin_token"] = tokens.token_for(act)

    # The career system: a worker of A1 with a qualification, subdistrict A's pay sheet, a roster import.
    cw = workforce.worker_hire(
        actor=sub_admin,
        person=make_person(a1, "甲一社工王芳"),
        community=a1,
        post="other",
        hired_on=today.replace(year=today.year - 4),
    )
    w["qualification"] = workforce.qualification_record(
        actor=sub_admin,
        worker=cw,
        level="junior",
        cert_number="JY2020001",
        issued_on=today.replace(year=today.year - 2),
        scan=photo_clean(_png()),
    )
    w["cworker"] = cw
    w["pay_sheet"] = workforce.pay_sheet_compute(
        actor=sub_admin, subdistrict=a, year=today.year, month=today.month
    )
    w["roster_job"] = ImportJob.objects.create(
        kind="workforce_roster", filename="甲一社工花名册.xlsx", created_by=sub_admin, region=a1
    )
    # Four-level linkage: a task from subdistrict A to A1, reported with a file; a grid of A1 with its
    # worker and a household; A1's grid import. The outside grid worker works a grid of B1.
    root = linkage.assignment_issue(
        region=a,
        recipients=[a1],
        title="甲一排查任务",
        body="逐栋排查",
        starts_on=today,
        deadline=today + dt.timedelta(days=7),
        evidence=Evidence.FILE,
        actor=sub_admin,
    )
    w["assignment"] = root.children.get()
    linkage.assignment_report(assignment=w["assignment"], actor=worker, note="甲一排查情况说明", file=_png())
    grid = w["grid"] = Region.objects.create(
        code=a1.code + "001", name="甲一第一网格", level=Level.GRID, parent=a1
    )
    personas["grid"] = make_user("grid_a1", Role.GRID_WORKER, region=grid)
    home = Household.objects.create(
        district=district, community=a1, number="甲一-101", address="甲一网格住户地址"
    )
    victim.household = home
    victim.save(update_fields=["household"])
    linkage.household_assign(households=[home], grid=grid, actor=worker)
    b_grid = Region.objects.create(
        code=regions["B1"].code + "001", name="乙一第一网格", level=Level.GRID, parent=regions["B1"]
    )
    personas["outsider_grid"] = make_user("grid_b1", Role.GRID_WORKER, region=b_grid)
    w["grid_job"] = ImportJob.objects.create(
        kind="grids", filename="甲一网格名册.xlsx", created_by=worker, region=a1
    )
    # Funding: A1's line with money passed down, a contract of A1 with a milestone, an expense with a voucher.
    admin = personas["district_admin"]
    social = Organization.objects.create(
        district=district,
        region=a1,
        kind="social",
        name="甲一乐龄社工服务中心",
        registration_type="community_filed",
        registered_on=today - dt.timedelta(days=400),
    )
    top = funding.budget_set(actor=admin, region=district, year=today.year, kind="service", amount=100000)
    sub_line = funding.allocation_make(actor=admin, source=top, target_region=a, amount=50000).target
    w["budget"] = funding.allocation_make(actor=admin, source=sub_line, target_region=a1, amount=20000).target
    w["contract"] = funding.contract_create(
        actor=admin,
        buyer=a1,
        provider=social,
        budget=w["budget"],
        title="甲一为老服务合同",
        amount=10000,
        starts_on=dt.date(today.year, 1, 1),
        ends_on=dt.date(today.year, 12, 31),
        method="inquiry",
        target_people=50,
        target_sessions=5,
        target_needs=1,
    )
    w["milestone"] = funding.milestone_add(
        actor=admin, contract=w["contract"], title="甲一首期款", amount=4000, due_on=today
    )
    w["expense"] = funding.expense_post(
        budget=w["budget"],
        amount=300,
        paid_for_kind="other",
        description="甲一议事厅桌椅",
        attachment=ContentFile(b"%PDF-1.4 voucher", name="voucher.pdf"),
        key="victim-expense",
        actor=admin,
    )
    # Assessment: a published community scheme of the district and a run; the victim score is A1's.
    w["scheme"] = assessment.scheme_create(
        district=district, year=today.year, subject_type="community", name="甲一考核方案", by=admin
    )
    assessment.indicator_add(scheme=w["scheme"], code="bank.coverage", weight=50)
    manual = assessment.indicator_add(scheme=w["scheme"], code="manual", name="甲一安全稳定", weight=50)
    w["scheme"] = assessment.scheme_publish(scheme=w["scheme"])
    w["manual_entry"] = assessment.manual_enter(
        indicator=manual,
        subject=a1,
        value=1,
        evidence=ContentFile(b"%PDF-1.4 evidence", name="evidence.pdf"),
        by=admin,
    )
    w["run"] = assessment.run_compute(
        scheme=w["scheme"], period_start=dt.date(today.year, 1, 1), period_end=today, by=admin
    )
    w["score"] = w["run"].scores.get(region=a1)
    # Published for objections (now over), an objection of A1's worker decided, and the notices made.
    assessment.run_publish(run=w["run"], by=admin, today=today - dt.timedelta(days=10))
    w["score_line"] = w["score"].lines.get(indicator__code="bank.coverage")
    # Not w["objection"]: that is the Moral Bank objection of A1's notice, a different table.
    w["run_objection"] = assessment.objection_raise(
        line=w["score_line"], reason="甲一考核异议理由", by=worker, today=today - dt.timedelta(days=5)
    )
    assessment.objection_decide(objection=w["run_objection"], upheld=False, decision="记录无误", by=admin)
    assessment.sanctions_from_run(run=w["run"], by=admin, today=today)
    w["sanction"] = w["score"].sanctions.get()
    # A unit scheme of the district and its final run: the victim is 示范单位's feedback sheet.
    units_scheme = assessment.scheme_create(
        district=district, year=today.year, subject_type="unit", name="甲一驻区单位考核", by=admin
    )
    for code, weight in (("alliance.unit_attendance", 40), ("alliance.unit_proposals_adopted", 60)):
        assessment.indicator_add(scheme=units_scheme, code=code, weight=weight)
    units_scheme = assessment.scheme_publish(scheme=units_scheme)
    w["units_run"] = assessment.run_compute(
        scheme=units_scheme, period_start=dt.date(today.year, 1, 1), period_end=today, by=admin
    )
    assessment.run_publish(run=w["units_run"], by=admin, today=today - dt.timedelta(days=10))
    w["markers"] = MARKERS | {
        w["redemption"].code: "the victim's voucher code",
        w["checkin_token"]: "the check-in token of A1's activity",
        w["meeting_token"]: "the check-in token of subdistrict A's meeting",
    }
    return w

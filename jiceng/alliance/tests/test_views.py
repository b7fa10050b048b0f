"""Alliance pages: scope (outsiders get 404), the overdue pill everywhere, POST flows and exports."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jiceng.alliance import services
from jiceng.alliance.models import Action, Meeting, ReportIn
from jiceng.alliance.tests.factories import (
    action_for,
    alliance_a,
    at,
    need,
    org,
    party_org,
    resource,
    sector_org,
)
from jiceng.core.models import AuditLog
from jiceng.people.models import PartyMembership

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(regions, personas):
    """Subdistrict A's alliance with an overdue action, a need with a project, a report-in and a tower."""
    admin, worker = personas["sub_admin"], personas["worker"]
    alliance = alliance_a(regions, personas)
    today = timezone.localdate()
    overdue = action_for(
        alliance, admin, day=today - dt.timedelta(days=30), due_on=today - dt.timedelta(days=2)
    )
    a_need = need(regions["A1"], worker)
    res = resource(alliance.members.get(kind="unit").organization, regions["A1"], worker)
    project = services.project_create(
        need=a_need,
        resources=[res],
        title="随访",
        owner=res.organization,
        starts_on=today,
        ends_on=today,
        actor=worker,
    )
    person = personas["resident"].person
    PartyMembership.objects.create(person=person, district=person.district, origin="retired")
    report = services.report_in_submit(
        person=person, origin="retired", home_unit_name="某厂", actor=personas["resident"]
    )
    tower = sector_org(regions["A1"], "甲大厦")
    return {
        "alliance": alliance,
        "meeting": overdue.resolution.meeting,
        "resolution": overdue.resolution,
        "action": overdue,
        "need": a_need,
        "resource": res,
        "project": project,
        "report": report,
        "tower": tower,
    }


def get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def post(client, user, name, *args, data=None):
    client.force_login(user)
    return client.post(reverse(name, args=args), data or {})


def detail_pages(w):
    return [
        ("alliance:detail", w["alliance"].pk),
        ("alliance:members_export", w["alliance"].pk),
        ("alliance:meeting_create", w["alliance"].pk),
        ("alliance:meeting", w["meeting"].pk),
        ("alliance:action_create", w["resolution"].pk),
        ("alliance:action", w["action"].pk),
        ("alliance:need", w["need"].pk),
        ("alliance:project", w["project"].pk),
        ("alliance:report_in", w["report"].pk),
        ("alliance:sector_org", w["tower"].pk),
    ]


def test_staff_of_the_subdistrict_open_every_detail_page(client, personas, world):
    for name, pk in detail_pages(world):
        assert get(client, personas["sub_admin"], name, pk).status_code == 200, name
        assert get(client, personas["district_admin"], name, pk).status_code == 200, name


@pytest.mark.parametrize(
    "persona", ["outsider_sub_admin", "outsider_worker", "outsider_unit", "outsider", "resident"]
)
def test_outsiders_get_404_on_every_detail_page(client, personas, world, persona):
    for name, pk in detail_pages(world):
        assert get(client, personas[persona], name, pk).status_code == 404, (persona, name)


@pytest.mark.parametrize(
    "name,key",
    [
        ("alliance:member_add", "alliance"),
        ("alliance:chair_set", "alliance"),
        ("alliance:propose_symposium", "alliance"),
        ("alliance:meeting_reschedule", "meeting"),
        ("alliance:meeting_cancel", "meeting"),
        ("alliance:meeting_invite", "meeting"),
        ("alliance:meeting_attendance", "meeting"),
        ("alliance:agenda_add", "meeting"),
        ("alliance:meeting_minutes", "meeting"),
        ("alliance:resolution_add", "meeting"),
        ("alliance:action_update", "action"),
        ("alliance:action_close", "action"),
        ("alliance:need_withdraw", "need"),
        ("alliance:project_create", "need"),
        ("alliance:resource_withdraw", "resource"),
        ("alliance:project_close", "project"),
        ("alliance:project_rate", "project"),
        ("alliance:report_in_confirm", "report"),
        ("alliance:sector_branch_found", "tower"),
    ],
)
def test_outsiders_get_404_on_every_write(client, personas, world, name, key):
    before = AuditLog.objects.count()
    assert post(client, personas["outsider_sub_admin"], name, world[key].pk).status_code == 404
    assert post(client, personas["outsider_worker"], name, world[key].pk).status_code == 404
    assert AuditLog.objects.count() == before


def test_member_leave_is_scoped(client, personas, world):
    member = world["alliance"].members.first()
    assert (
        post(
            client,
            personas["outsider_sub_admin"],
            "alliance:member_leave",
            member.pk,
            data={"left_on": "2030-01-01"},
        ).status_code
        == 404
    )


@pytest.mark.parametrize(
    "name",
    [
        "alliance:home",
        "alliance:meetings",
        "alliance:actions",
        "alliance:needs",
        "alliance:resources",
        "alliance:projects",
        "alliance:report_ins",
        "alliance:coverage",
    ],
)
def test_lists_show_only_what_lies_in_scope(client, personas, world, name):
    mine = get(client, personas["sub_admin"], name).content.decode()
    theirs = get(client, personas["outsider_sub_admin"], name).content.decode()
    marker = {
        "alliance:home": world["alliance"].name,
        "alliance:meetings": world["meeting"].title,
        "alliance:actions": world["action"].title,
        "alliance:needs": world["need"].title,
        "alliance:resources": world["resource"].title,
        "alliance:projects": world["project"].title,
        "alliance:report_ins": world["report"].person.masked_name,
        "alliance:coverage": "甲大厦",
    }[name]
    assert marker in mine and marker not in theirs


@pytest.mark.parametrize("persona", ["resident", "outsider"])
def test_residents_do_not_see_the_staff_pages(client, personas, world, persona):
    for name in (
        "alliance:home",
        "alliance:actions",
        "alliance:needs",
        "alliance:coverage",
        "alliance:meetings",
    ):
        assert get(client, personas[persona], name).status_code == 404


def test_the_overdue_pill_stands_out_on_every_page_with_the_action(client, personas, world):
    admin = personas["sub_admin"]
    for name, args in (
        ("alliance:home", ()),
        ("alliance:detail", (world["alliance"].pk,)),
        ("alliance:meeting", (world["meeting"].pk,)),
        ("alliance:actions", ()),
        ("alliance:action", (world["action"].pk,)),
    ):
        page = get(client, admin, name, *args).content.decode()
        assert 'class="pill overdue"' in page and "逾期" in page, name
    page = get(client, admin, "alliance:actions", overdue="1").content.decode()
    assert world["action"].title in page


def test_the_owner_unit_sees_its_action_and_reports_progress_but_cannot_close_it(client, personas, world):
    unit = personas["unit"]
    action = world["action"]
    assert action.title in get(client, unit, "alliance:actions").content.decode()
    assert (
        post(
            client, unit, "alliance:action_update", action.pk, data={"text": "已签约", "progress": "80"}
        ).status_code
        == 302
    )
    action.refresh_from_db()
    assert action.progress == 80
    closing = {"result": "完成", "rating": "5", "rating_source": "residents"}
    assert post(client, unit, "alliance:action_close", action.pk, data=closing).status_code == 404
    assert get(client, personas["outsider_unit"], "alliance:action", action.pk).status_code == 404


def test_closing_from_the_page_needs_a_result_and_a_rating(client, personas, world):
    admin, action = personas["sub_admin"], world["action"]
    post(
        client,
        admin,
        "alliance:action_close",
        action.pk,
        data={"result": "完成", "rating_source": "residents"},
    )
    action.refresh_from_db()
    assert action.status == "open"
    post(
        client,
        admin,
        "alliance:action_close",
        action.pk,
        data={"result": "完成", "rating": "4", "rating_source": "community"},
    )
    action.refresh_from_db()
    assert (action.status, action.rating, action.rating_source) == ("done", 4, "community")
    assert 'class="pill overdue"' not in get(client, admin, "alliance:action", action.pk).content.decode()


def test_a_meeting_runs_from_the_pages(client, personas, regions, world):
    admin, alliance = personas["sub_admin"], world["alliance"]
    when = timezone.localtime().replace(second=0, microsecond=0)
    response = post(
        client,
        admin,
        "alliance:meeting_create",
        alliance.pk,
        data={"kind": "symposium", "scheduled_at": when.strftime("%Y-%m-%dT%H:%M"), "place": "会议室"},
    )
    meeting = Meeting.objects.get(kind="symposium")
    assert response.url == reverse("alliance:meeting", args=[meeting.pk])
    post(client, admin, "alliance:meeting_invite", meeting.pk)
    invitations = list(meeting.invitations.order_by("pk"))
    data = {f"att-{i.pk}": "present" for i in invitations} | {f"rep-{i.pk}": "" for i in invitations}
    post(client, admin, "alliance:meeting_attendance", meeting.pk, data=data)
    assert meeting.invitations.filter(attendance="present").count() == 3
    post(client, admin, "alliance:resolution_add", meeting.pk, data={"text": "开放单位食堂"})
    resolution = meeting.resolutions.get()
    owner = alliance.members.get(kind="unit").organization
    due = (timezone.localdate() + dt.timedelta(days=30)).isoformat()
    response = post(
        client,
        admin,
        "alliance:action_create",
        resolution.pk,
        data={"track": "joint_building", "title": "食堂向老人开放", "owner": owner.pk, "due_on": due},
    )
    assert response.status_code == 302
    assert Action.objects.get(title="食堂向老人开放").resolution == resolution
    # an owner outside the alliance is not even offered
    stranger = org(regions["B1"], "外人")
    response = post(
        client,
        admin,
        "alliance:action_create",
        resolution.pk,
        data={"track": "joint_building", "title": "x", "owner": stranger.pk, "due_on": due},
    )
    assert response.status_code == 200 and not Action.objects.filter(title="x").exists()


def test_members_join_and_the_chair_rotates_from_the_pages(client, personas, regions, world):
    admin, alliance = personas["sub_admin"], world["alliance"]
    new = party_org(regions["A2"], "中共新党支部")
    post(
        client,
        admin,
        "alliance:member_add",
        alliance.pk,
        data={"organization": new.pk, "joined_on": "2025-01-01"},
    )
    member = alliance.members.get(organization=new)
    today = timezone.localdate()
    post(
        client,
        admin,
        "alliance:chair_set",
        alliance.pk,
        data={
            "member": member.pk,
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=90)).isoformat(),
        },
    )
    page = get(client, admin, "alliance:detail", alliance.pk).content.decode()
    assert "中共新党支部" in page and "轮值主席" in page
    assert alliance.current_chair().member == member


def _sheet(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return load_workbook(io.BytesIO(response.content)).worksheets[0]


@pytest.mark.parametrize(
    "name,header,action",
    [
        ("alliance:meetings_export", "会议名称", "alliance.export_meetings"),
        ("alliance:actions_export", "责任单位", "alliance.export_actions"),
        ("alliance:needs_export", "满意度（1–5）", "alliance.export_needs"),
        ("alliance:resources_export", "提供单位", "alliance.export_resources"),
        ("alliance:projects_export", "需求方评价（1–5）", "alliance.export_projects"),
        ("alliance:report_ins_export", "报到社区", "alliance.export_report_ins"),
        ("alliance:coverage_export", "覆盖率（%）", "alliance.export_coverage"),
    ],
)
def test_every_list_exports_to_xlsx_and_the_export_is_audited(client, personas, world, name, header, action):
    ws = _sheet(get(client, personas["sub_admin"], name))
    assert header in [c.value for c in ws[1]]
    assert ws.max_row >= 2
    log = AuditLog.objects.get(action=action)
    assert log.actor == personas["sub_admin"] and log.after["rows"] >= 1
    # an outsider's export holds none of A's rows
    other = _sheet(get(client, personas["outsider_sub_admin"], name))
    if name != "alliance:coverage_export":
        assert other.max_row == 1


def test_the_actions_export_marks_overdue_rows(client, personas, world):
    ws = _sheet(get(client, personas["sub_admin"], "alliance:actions_export"))
    headers = [c.value for c in ws[1]]
    row = [c.value for c in ws[2]]
    assert row[headers.index("任务")] == world["action"].title and row[headers.index("逾期")] == "逾期"


def test_the_members_export_lists_members_and_chair_terms(client, personas, world):
    response = get(client, personas["sub_admin"], "alliance:members_export", world["alliance"].pk)
    wb = load_workbook(io.BytesIO(response.content))
    assert [ws.title for ws in wb.worksheets] == ["成员单位", "轮值主席"]
    assert wb.worksheets[0].max_row == 4
    assert AuditLog.objects.filter(
        action="alliance.export_members", target_id=str(world["alliance"].pk)
    ).exists()


def test_the_coverage_page_draws_a_local_chart(client, personas, world):
    page = get(client, personas["district_admin"], "alliance:coverage").content.decode()
    assert "vendor/echarts/echarts.min.js" in page and 'id="coverage-chart"' in page and "//cdn" not in page


def test_a_resident_asks_for_help_and_rates_the_result(client, personas, regions):
    resident = personas["resident"]
    client.force_login(resident)
    response = client.post(
        reverse("alliance:my_needs"), {"title": "楼道灯坏了", "category": "safety", "urgency": "soon"}
    )
    assert response.status_code == 302
    a_need = resident.person.needs.get()
    assert a_need.community == regions["A1"] and a_need.source == "resident"
    res = resource(org(regions["A1"], "电力公司"), regions["A1"], personas["worker"], category="safety")
    project = services.project_create(
        need=a_need,
        resources=[res],
        title="修灯",
        owner=res.organization,
        starts_on=timezone.localdate(),
        ends_on=timezone.localdate(),
        actor=personas["worker"],
    )
    services.project_close(project=project, closure_note="已更换", actor=personas["worker"])
    page = client.get(reverse("alliance:my_needs")).content.decode()
    assert "请为办理结果打分" in page
    assert (
        post(
            client, personas["outsider"], "alliance:project_rate", project.pk, data={"rating": "1"}
        ).status_code
        == 404
    )
    client.force_login(resident)
    client.post(reverse("alliance:project_rate", args=[project.pk]), {"rating": "5", "comment": "谢谢"})
    a_need.refresh_from_db()
    assert a_need.rating == 5 and a_need.rated_at is not None


def test_staff_record_a_need_and_pair_it_with_a_suggested_resource(client, personas, regions, world):
    worker = personas["worker"]
    client.force_login(worker)
    response = client.post(
        reverse("alliance:need_create"),
        {"community": regions["A1"].pk, "title": "需要义诊", "category": "health", "urgency": "normal"},
    )
    a_need = world["need"].__class__.objects.get(title="需要义诊")
    assert response.url == reverse("alliance:need", args=[a_need.pk])
    page = client.get(response.url).content.decode()
    assert world["resource"].title in page  # suggested: same category
    response = client.post(
        reverse("alliance:project_create", args=[a_need.pk]),
        {
            "title": "",
            "resources": [world["resource"].pk],
            "owner": world["resource"].organization.pk,
            "starts_on": "2026-01-01",
            "ends_on": "2026-02-01",
        },
    )
    assert response.status_code == 302 and a_need.projects.count() == 1


def test_a_worker_confirms_a_member_year_from_the_page(client, personas, world):
    report = world["report"]
    year = timezone.localdate().year
    assert (
        post(
            client, personas["sub_admin"], "alliance:report_in_confirm", report.pk, data={"year": year}
        ).status_code
        == 404
    )
    response = post(client, personas["worker"], "alliance:report_in_confirm", report.pk, data={"year": year})
    assert response.status_code == 302 and report.confirmations.get(year=year).minutes == 0
    assert ReportIn.objects.count() == 1


def test_new_sector_history_is_recorded_from_the_page(client, personas, world):
    admin, tower = personas["sub_admin"], world["tower"]
    post(
        client,
        admin,
        "alliance:sector_branch_found",
        tower.pk,
        data={"name": "中共甲大厦支部", "founded_on": "2025-01-01", "member_count": "6"},
    )
    branch = tower.sector_branches.get()
    assert branch.member_count == 6
    assert (
        post(client, personas["outsider_sub_admin"], "alliance:sector_branch_end", branch.pk).status_code
        == 404
    )
    post(
        client,
        admin,
        "alliance:sector_branch_end",
        branch.pk,
        data={"state": "inactive", "ended_on": "2025-05-01", "note": ""},
    )
    page = get(client, admin, "alliance:coverage").content.decode()
    assert "边建边散" in page and "中共甲大厦支部" in page


def test_propose_button_and_symposium_reschedule_from_the_page(client, personas, world):
    admin = personas["sub_admin"]
    response = post(client, admin, "alliance:propose_symposium", world["alliance"].pk)
    meeting = Meeting.objects.get(kind="symposium")
    assert response.url == reverse("alliance:meeting", args=[meeting.pk]) and meeting.status == "proposed"
    when = at(timezone.localdate() + dt.timedelta(days=20), 15)
    post(
        client,
        admin,
        "alliance:meeting_reschedule",
        meeting.pk,
        data={"scheduled_at": timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")},
    )
    meeting.refresh_from_db()
    assert meeting.status == "scheduled" and meeting.scheduled_at == when


@pytest.mark.parametrize("persona", ["district_admin", "sub_admin", "worker", "unit", "resident"])
def test_every_menu_entry_of_ours_opens_for_its_role_even_with_no_data(client, personas, persona):
    from jiceng.core.scope import scope_for
    from jiceng.portal.context import MENU

    user = personas[persona]
    names = {
        n
        for r in scope_for(user).roles
        for _label, n in MENU[r]
        if n.split(":")[0] in ("alliance", "activities")
    }
    assert names
    for name in names:
        assert get(client, user, name).status_code == 200, name

"""Alliance pages together: outsiders get 404 on every page and every write, lists hold only what is in scope, the overdue pill, the menu."""

import pytest

from jiceng.alliance.tests.factories import get, post
from jiceng.core.models import AuditLog

pytestmark = pytest.mark.django_db


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


@pytest.mark.parametrize("persona", ["district_admin", "sub_admin", "worker", "unit", "resident"])
def test_every_menu_entry_of_ours_opens_for_its_role_even_with_no_data(client, personas, persona):
    from jiceng.core.scope import scope_for
    from jiceng.portal.context import MENU

    user = personas[persona]
    names = {
        n
        for r in scope_for(user).roles
        for _heading, _label, n in MENU[r]
        if n.split(":")[0] in ("alliance", "activities")
    }
    assert names
    for name in names:
        assert get(client, user, name).status_code == 200, name

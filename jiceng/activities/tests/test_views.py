"""Activity pages: scope, publishing, the rotating QR, check-in and check-out, exports."""

import datetime as dt
import io
import re

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from jiceng.activities import tokens
from jiceng.activities.models import Activity, CheckIn, SignUp
from jiceng.activities.tests.factories import activity
from jiceng.alliance.tests.factories import alliance_a
from jiceng.core.models import AuditLog

pytestmark = pytest.mark.django_db


@pytest.fixture
def live(regions, personas):
    """An activity in A1 that started ten minutes ago."""
    return activity(
        regions["A1"], personas["worker"], timezone.now() - dt.timedelta(minutes=10), title="义诊活动"
    )


def get(client, user, name, *args, **params):
    client.force_login(user)
    return client.get(reverse(name, args=args), params)


def post(client, user, name, *args, data=None):
    client.force_login(user)
    return client.post(reverse(name, args=args), data or {})


@pytest.mark.parametrize("persona", ["outsider_worker", "outsider_sub_admin", "outsider_unit", "outsider"])
def test_outsiders_get_404_on_every_activity_page(client, personas, live, persona):
    user = personas[persona]
    for name in (
        "activities:detail",
        "activities:manage",
        "activities:qr",
        "activities:screen",
        "activities:attendance_export",
    ):
        assert get(client, user, name, live.pk).status_code == 404, name
    token = tokens.token_for(live)
    assert get(client, user, "activities:checkin", live.pk, token).status_code == 404
    for name in (
        "activities:signup",
        "activities:checkin_code",
        "activities:close",
        "activities:cancel",
        "activities:file_claims",
    ):
        assert post(client, user, name, live.pk).status_code == 404, name


def test_the_organisers_page_is_closed_to_residents_and_checkout_is_scoped(client, personas, live):
    assert get(client, personas["resident"], "activities:manage", live.pk).status_code == 404
    row = CheckIn.objects.create(
        activity=live,
        person=personas["resident"].person,
        checked_in_at=timezone.now(),
        method="qr",
        recorded_by=personas["worker"],
    )
    assert post(client, personas["outsider_worker"], "activities:checkout", row.pk).status_code == 404
    assert post(client, personas["resident"], "activities:checkout", row.pk).status_code == 404


def test_residents_see_activities_of_their_own_subdistrict(client, personas, live):
    assert "义诊活动" in get(client, personas["resident"], "activities:list").content.decode()
    assert "义诊活动" not in get(client, personas["outsider"], "activities:list").content.decode()
    assert "义诊活动" in get(client, personas["sub_admin"], "activities:list").content.decode()
    assert "义诊活动" not in get(client, personas["outsider_sub_admin"], "activities:list").content.decode()


def test_each_organiser_publishes_under_its_own_name(client, personas, regions):
    from jiceng.alliance.tests.factories import party_org

    committee = party_org(regions["A1"])
    start = timezone.localtime() + dt.timedelta(days=2)
    data = {
        "title": "清洁家园",
        "community": regions["A1"].pk,
        "place": "小广场",
        "starts_at": start.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (start + dt.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "10",
        "signup_required": "on",
    }
    assert post(client, personas["worker"], "activities:create", data=data).status_code == 302
    made = Activity.objects.get()
    assert (made.organizer_kind, made.organizer_org, made.capacity, made.signup_required) == (
        "community",
        committee,
        10,
        True,
    )
    unit_data = data | {"title": "单位开放日", "organizer_org": personas["unit"].grants.get().organization_id}
    assert post(client, personas["unit"], "activities:create", data=unit_data).status_code == 302
    assert Activity.objects.get(title="单位开放日").organizer_kind == "unit"
    alliance = alliance_a(regions, personas)
    admin_data = data | {"title": "联盟联办", "alliance": alliance.pk, "community": regions["A2"].pk}
    assert post(client, personas["sub_admin"], "activities:create", data=admin_data).status_code == 302
    assert Activity.objects.get(title="联盟联办").alliance == alliance
    # a community outside the scope is not even offered
    response = post(
        client,
        personas["worker"],
        "activities:create",
        data=data | {"community": regions["B1"].pk, "title": "外"},
    )
    assert response.status_code == 200 and not Activity.objects.filter(title="外").exists()


def test_the_organiser_shows_a_qr_code_that_refreshes_itself(client, personas, live):
    page = get(client, personas["worker"], "activities:manage", live.pk).content.decode()
    assert "<svg" in page and 'hx-trigger="every 20s"' in page and "vendor/htmx/htmx.min.js" in page
    url = re.search(r'data-checkin-url="([^"]+)"', page).group(1)
    assert f"/activities/{live.pk}/checkin/" in url and url.startswith("http")
    fragment = get(client, personas["worker"], "activities:qr", live.pk)
    assert fragment.status_code == 200 and "no-cache" in fragment["Cache-Control"]
    assert "<svg" in fragment.content.decode() and "<html" not in fragment.content.decode()
    assert tokens.token_for(live) in fragment.content.decode()
    assert "<svg" in get(client, personas["worker"], "activities:screen", live.pk).content.decode()


def test_a_participant_checks_in_and_out_by_scanning_the_current_code(client, personas, live):
    resident = personas["resident"]
    url = reverse("activities:checkin", args=[live.pk, tokens.token_for(live)])
    client.force_login(resident)
    page = client.get(url)
    assert page.status_code == 200 and "确认签到" in page.content.decode()
    assert client.post(url).status_code == 302
    row = CheckIn.objects.get(activity=live, person=resident.person)
    assert row.method == "qr" and row.recorded_by == resident and row.checked_out_at is None
    page = client.get(reverse("activities:checkin", args=[live.pk, tokens.token_for(live)]))
    assert "确认签退" in page.content.decode()
    client.post(reverse("activities:checkin", args=[live.pk, tokens.token_for(live)]))
    row.refresh_from_db()
    assert row.checked_out_at is not None and row.minutes is not None


def test_an_expired_code_is_refused_with_a_clear_message(client, personas, live):
    client.force_login(personas["resident"])
    old = tokens.token_for(live, timezone.now() - dt.timedelta(seconds=90))
    response = client.get(reverse("activities:checkin", args=[live.pk, old]))
    assert response.status_code == 410
    assert "签到二维码已过期" in response.content.decode() and "确认签到" not in response.content.decode()
    # without having scanned a good code, a POST does nothing
    client.post(reverse("activities:checkin", args=[live.pk, old]))
    assert not CheckIn.objects.exists()
    forged = client.get(reverse("activities:checkin", args=[live.pk, "1-deadbeef"]))
    assert forged.status_code == 400 and "二维码无效" in forged.content.decode()


def test_the_check_in_page_asks_to_log_in_first(client, live):
    url = reverse("activities:checkin", args=[live.pk, tokens.token_for(live)])
    response = client.get(url)
    assert response.status_code == 302 and response.url.startswith("/login/") and "next=" in response.url


def test_the_organiser_checks_in_by_code_checks_out_and_closes(client, personas, live):
    worker, person = personas["worker"], personas["resident"].person
    post(client, worker, "activities:checkin_code", live.pk, data={"code": tokens.personal_code(person)})
    row = CheckIn.objects.get()
    assert row.method == "code" and row.recorded_by == worker
    post(client, worker, "activities:checkout", row.pk)
    row.refresh_from_db()
    assert row.checked_out_at is not None
    post(client, worker, "activities:close", live.pk, data={})  # claims box left unticked
    live.refresh_from_db()
    assert live.status == "closed" and live.claims_filed_at is None
    page = get(client, worker, "activities:manage", live.pk).content.decode()
    assert "<svg" not in page


def test_a_wrong_personal_code_is_refused_with_a_message(client, personas, live):
    client.force_login(personas["worker"])
    response = client.post(
        reverse("activities:checkin_code", args=[live.pk]), {"code": "123-XXXXX"}, follow=True
    )
    assert "个人码不正确" in response.content.decode() and not CheckIn.objects.exists()


def test_sign_up_respects_the_limit(client, personas, regions, live):
    live.capacity = 1
    live.starts_at = timezone.now() + dt.timedelta(days=1)
    live.ends_at = live.starts_at + dt.timedelta(hours=2)
    live.save()
    assert post(client, personas["resident"], "activities:signup", live.pk).status_code == 302
    assert SignUp.objects.count() == 1
    from conftest import make_person, make_user

    other = make_user("res_a1b", "resident", region=regions["A1"], person=make_person(regions["A1"], "王二"))
    client.force_login(other)
    response = client.post(reverse("activities:signup", args=[live.pk]), follow=True)
    assert "报名人数已满" in response.content.decode() and SignUp.objects.count() == 1


def test_exports_are_xlsx_and_audited(client, personas, live):
    CheckIn.objects.create(
        activity=live,
        person=personas["resident"].person,
        checked_in_at=live.starts_at,
        checked_out_at=live.ends_at,
        minutes=120,
        method="qr",
        recorded_by=personas["worker"],
    )
    response = get(client, personas["worker"], "activities:attendance_export", live.pk)
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[0][0] == "姓名" and rows[1][0] == personas["resident"].person.name and rows[1][-1] == 120
    assert AuditLog.objects.filter(action="activities.export_attendance", target_id=str(live.pk)).exists()
    response = get(client, personas["sub_admin"], "activities:list_export")
    rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].iter_rows(values_only=True))
    assert rows[1][1] == "义诊活动" and rows[1][12] == 120
    assert AuditLog.objects.filter(action="activities.export_list").exists()


def test_the_resident_shows_a_personal_code(client, personas):
    page = get(client, personas["resident"], "activities:my_code").content.decode()
    assert tokens.personal_code(personas["resident"].person) in page and "<svg" in page
    assert get(client, personas["worker"], "activities:my_code").status_code == 404  # no resident role

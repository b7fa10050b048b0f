"""On-site pages: the rotating QR code, checking in and out by scanning or by personal code."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from jiceng.activities import tokens
from jiceng.activities.models import CheckIn
from jiceng.alliance.tests.factories import get, post

pytestmark = pytest.mark.django_db


def test_the_organisers_page_is_closed_to_residents_and_checkout_is_scoped(client, personas, live):
    assert get(client, personas["resident"], "activities:manage", live.pk).status_code == 404
    row = CheckIn.objects.create(
        district_id=personas["resident"].person.district_id,
        activity=live,
        person=personas["resident"].person,
        checked_in_at=timezone.now(),
        method="qr",
        recorded_by=personas["worker"],
    )
    assert post(client, personas["outsider_worker"], "activities:checkout", row.pk).status_code == 404
    assert post(client, personas["resident"], "activities:checkout", row.pk).status_code == 404


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


def test_a_wrong_personal_code_is_refused_with_a_message(client, personas, live):
    client.force_login(personas["worker"])
    response = client.post(
        reverse("activities:checkin_code", args=[live.pk]), {"code": "123-XXXXX"}, follow=True
    )
    assert "个人码不正确" in response.content.decode() and not CheckIn.objects.exists()


def test_the_resident_shows_a_personal_code(client, personas):
    page = get(client, personas["resident"], "activities:my_code").content.decode()
    assert tokens.personal_code(personas["resident"].person) in page and "<svg" in page
    assert get(client, personas["worker"], "activities:my_code").status_code == 404  # no resident role

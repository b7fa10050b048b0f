"""Closing pages: the organiser checks people in and out, then closes the activity."""

import pytest

from jiceng.activities import tokens
from jiceng.activities.models import CheckIn
from jiceng.alliance.tests.factories import get, post

pytestmark = pytest.mark.django_db


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

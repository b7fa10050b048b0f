"""Sign-up pages: signing up within the limit, and cancelling."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jiceng.activities.models import SignUp
from jiceng.activities.tests.factories import post

pytestmark = pytest.mark.django_db


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

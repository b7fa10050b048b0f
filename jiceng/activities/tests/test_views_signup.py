"""Sign-up pages: signing up within the limit, and cancelling."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from jiceng.activities.models import SignUp
from jiceng.alliance.tests.factories import post

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


def test_a_resident_cancels_their_sign_up_and_the_place_is_free_again(client, personas, live):
    live.capacity = 1
    live.starts_at = timezone.now() + dt.timedelta(days=1)
    live.ends_at = live.starts_at + dt.timedelta(hours=2)
    live.save()
    resident = personas["resident"]
    post(client, resident, "activities:signup", live.pk)
    response = post(client, resident, "activities:signup_cancel", live.pk)
    assert response.status_code == 302 and response.url == reverse("activities:detail", args=[live.pk])
    assert SignUp.objects.get().cancelled_at is not None
    # cancelled once: there is no sign-up left to cancel
    assert post(client, resident, "activities:signup_cancel", live.pk).status_code == 404
    assert post(client, resident, "activities:signup", live.pk).status_code == 302
    assert SignUp.objects.filter(cancelled_at__isnull=True).count() == 1


@pytest.mark.parametrize("persona", ["outsider", "worker", "sub_admin", "unit"])
def test_outsiders_get_404_cancelling_a_sign_up(client, personas, live, persona):
    live.starts_at = timezone.now() + dt.timedelta(days=1)
    live.ends_at = live.starts_at + dt.timedelta(hours=2)
    live.save()
    post(client, personas["resident"], "activities:signup", live.pk)
    assert post(client, personas[persona], "activities:signup_cancel", live.pk).status_code == 404
    assert SignUp.objects.get().cancelled_at is None

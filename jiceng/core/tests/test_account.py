"""The account pages every role shares: my profile, logging out and choosing the language."""

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation

from jiceng.people.models import PartyMembership

ID_NUMBER = "510107199001011234"


@pytest.fixture(autouse=True)
def _chinese_afterwards():
    """A request in English leaves English active in this thread; the next test must not inherit it."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


def test_the_profile_shows_the_residents_own_record_masked(client, personas, regions):
    person = personas["resident"].person
    person.phone = "13912345678"
    person.set_id_number(ID_NUMBER)
    person.save()
    PartyMembership.objects.create(person=person, district=person.district, origin="retired")
    client.force_login(personas["resident"])
    page = client.get(reverse("core:profile")).content.decode()
    assert "我的信息" in page and "李建国" in page and regions["A1"].name in page
    assert "139****5678" in page and "13912345678" not in page
    assert "510107**********34" in page and ID_NUMBER not in page
    assert "离退休" in page  # the party-membership line


def test_the_profile_of_an_account_without_a_resident_record_says_so(client, personas):
    client.force_login(personas["worker"])
    response = client.get(reverse("core:profile"))
    assert response.status_code == 200
    assert "您的账号未关联居民档案。" in response.content.decode()


def test_the_profile_asks_a_visitor_to_log_in(client):
    response = client.get(reverse("core:profile"))
    assert response.status_code == 302
    assert response.url == f"{reverse('login')}?next={reverse('core:profile')}"


def test_logging_out_ends_the_session_and_returns_to_the_login_page(client, personas):
    client.force_login(personas["resident"])
    assert client.get(reverse("home")).url == reverse("portal:resident_home")
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response.url == reverse("login")
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("portal:resident_home")).url.startswith(reverse("login"))


def test_logging_out_takes_a_post_so_a_link_cannot_log_anyone_out(client, personas):
    client.force_login(personas["resident"])
    assert client.get(reverse("logout")).status_code == 405
    assert client.session["_auth_user_id"] == str(personas["resident"].pk)
    assert client.get(reverse("portal:resident_home")).status_code == 200


def test_the_language_switch_changes_the_interface_and_returns_to_the_page(client, personas):
    client.force_login(personas["resident"])
    profile = reverse("core:profile")
    response = client.post(reverse("set_language"), {"language": "en", "next": profile})
    assert response.status_code == 302 and response.url == profile
    assert client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(profile).content.decode()
    assert "My details" in page and "我的信息" not in page
    client.post(reverse("set_language"), {"language": "zh-hans", "next": profile})
    assert "我的信息" in client.get(profile).content.decode()


def test_the_language_switch_refuses_unknown_languages_and_foreign_pages():
    client = Client()
    response = client.post(reverse("set_language"), {"language": "xx", "next": "https://evil.example/"})
    assert response.status_code == 302 and response.url == "/"
    assert settings.LANGUAGE_COOKIE_NAME not in client.cookies
    response = client.post(reverse("set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response.url == "/" and client.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    page = client.get(reverse("login")).content.decode()
    assert "<h1>Log in</h1>" in page

from django.test import Client
from django.urls import reverse

from conftest import PASSWORD
from jiceng.core.models import LoginFailure


def _post(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password})


def test_it_logs_in_by_username_and_by_phone(client, personas):
    assert _post(client, "res_a1", PASSWORD).status_code == 302
    client.logout()
    response = _post(client, "13912345678", PASSWORD)
    assert response.status_code == 302
    assert client.get(reverse("home")).url == reverse("portal:resident_home")


def test_it_hashes_passwords_with_argon2(personas):
    assert personas["resident"].password.startswith("argon2$argon2id$")


def test_it_explains_a_wrong_password(client, personas):
    response = _post(client, "res_a1", "wrong-password")
    assert response.status_code == 200
    assert "密码不正确" in response.content.decode()
    assert LoginFailure.objects.filter(key="user:res_a1").count() == 1


def test_it_rate_limits_failed_logins(client, personas, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        _post(client, "res_a1", "wrong-password")
    response = _post(client, "res_a1", PASSWORD)  # even the right password waits
    assert response.status_code == 429
    assert "失败次数过多" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_enforces_csrf(personas):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "res_a1", "password": PASSWORD})
    assert response.status_code == 403

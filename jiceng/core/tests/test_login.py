import datetime as dt

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from conftest import PASSWORD
from jiceng.core.models import AuditLog, LoginFailure


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
    account = f"acct:{personas['resident'].pk}"
    assert set(LoginFailure.objects.values_list("key", flat=True)) == {
        account,
        "ip:127.0.0.1",
        f"pair:{account}|127.0.0.1",
    }


def test_it_rate_limits_failed_logins(client, personas, settings):
    settings.LOGIN_MAX_FAILURES = 3
    for _ in range(3):
        _post(client, "res_a1", "wrong-password")
    response = _post(client, "res_a1", PASSWORD)  # from the same address even the right password waits
    assert response.status_code == 429
    assert "请 31 秒后再试" in response.content.decode() or "请 30 秒后再试" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_enforces_csrf(personas):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "res_a1", "password": PASSWORD})
    assert response.status_code == 403


def _from(ip, proxy="127.0.0.1"):
    """A client behind the proxy at `proxy`, whose real address is `ip`."""
    return Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=ip)


def test_username_and_phone_count_against_one_account(personas, settings):
    settings.LOGIN_MAX_FAILURES = 4
    client = Client()
    for name in ("res_a1", "13912345678", " res_a1 ", "１３９ １２３４ ５６７８"):
        assert _post(client, name, "wrong-password").status_code == 200
    assert _post(client, "13912345678", PASSWORD).status_code == 429
    assert _post(client, "res_a1", PASSWORD).status_code == 429


def test_the_wait_grows_with_each_failure_and_ends(personas, settings):
    from jiceng.core import auth

    settings.LOGIN_MAX_FAILURES, settings.LOGIN_DELAY_SECONDS = 3, 10
    for _ in range(3):
        auth.record_failure("res_a1", "203.0.113.5")
    assert 9 <= auth.login_wait_seconds("res_a1", "203.0.113.5") <= 11
    for _ in range(2):
        auth.record_failure("res_a1", "203.0.113.5")
    assert 39 <= auth.login_wait_seconds("res_a1", "203.0.113.5") <= 41
    LoginFailure.objects.update(at=timezone.now() - dt.timedelta(seconds=41))
    assert auth.login_wait_seconds("res_a1", "203.0.113.5") == 0  # slowed, not locked


def test_the_right_password_from_a_clean_address_works_and_the_owner_is_told(personas, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.LOGIN_MAX_FAILURES = 3
    attacker = _from("203.0.113.5")
    for _ in range(25):  # past every threshold: pair, address and account
        _post(attacker, "13912345678", "wrong-password")
    assert _post(attacker, "res_a1", PASSWORD).status_code == 429
    owner = _from("198.51.100.7")
    response = _post(owner, "res_a1", PASSWORD)
    assert response.status_code == 302
    notice = owner.get(reverse("home"), follow=True).content.decode()
    failures = LoginFailure.objects.filter(key__startswith="ip:203.0.113.5").count()
    assert f"有 {failures} 次密码错误的登录尝试" in notice
    entry = AuditLog.objects.get(action="login.failures_reported")
    assert entry.actor == personas["resident"] and entry.after["failures"] == failures
    assert entry.after["addresses"] == 1
    text = str(entry.after) + entry.target_repr
    assert "203.0.113" not in text and "13912345678" not in text and "res_a1" not in text
    owner.logout()
    assert _post(owner, "res_a1", PASSWORD).status_code == 302  # told once
    assert AuditLog.objects.filter(action="login.failures_reported").count() == 1


def test_a_flood_from_one_address_does_not_lock_out_others_behind_the_same_proxy(personas, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1", "10.0.0.0/8"]
    settings.LOGIN_MAX_FAILURES = 2
    flood = _from("203.0.113.5, 10.1.2.3", proxy="10.0.0.2")
    for i in range(30):
        _post(flood, f"nobody{i % 7}", "wrong-password")
    assert _post(flood, "res_a1", PASSWORD).status_code == 429  # the flooding address waits
    assert _post(_from("198.51.100.7"), "res_a1", PASSWORD).status_code == 302
    assert _post(_from("198.51.100.8", proxy="10.9.9.9"), "worker_a1", PASSWORD).status_code == 302


def test_forwarded_for_is_ignored_unless_it_comes_from_a_trusted_proxy(personas, settings):
    settings.TRUSTED_PROXIES = ["127.0.0.1"]
    settings.LOGIN_MAX_FAILURES = 2
    for i in range(10):  # a client that writes its own header, a new address each time
        spoofing = Client(REMOTE_ADDR="192.0.2.50", HTTP_X_FORWARDED_FOR=f"198.51.100.{i}")
        _post(spoofing, "res_a1", "wrong-password")
    assert _post(Client(REMOTE_ADDR="192.0.2.50"), "res_a1", PASSWORD).status_code == 429
    assert LoginFailure.objects.filter(key="ip:192.0.2.50").exists()
    assert not LoginFailure.objects.filter(key__contains="198.51.100").exists()

"""The rotating check-in token and the personal code."""

import datetime as dt

import pytest
from django.utils import timezone

from jiceng.activities import tokens
from jiceng.activities.tests.factories import activity

pytestmark = pytest.mark.django_db
T0 = timezone.make_aware(dt.datetime(2026, 3, 10, 9, 0, 0))  # a multiple of 30 s


@pytest.fixture
def act(regions, personas):
    return activity(regions["A1"], personas["worker"], T0)


def test_it_accepts_the_current_and_the_previous_window(act):
    token = tokens.token_for(act, T0 + dt.timedelta(seconds=5))
    tokens.verify_token(act, token, T0 + dt.timedelta(seconds=5))
    tokens.verify_token(act, token, T0 + dt.timedelta(seconds=29))  # same window
    tokens.verify_token(act, token, T0 + dt.timedelta(seconds=59))  # next window: still accepted


def test_it_refuses_an_older_token_with_a_chinese_message(act):
    token = tokens.token_for(act, T0)
    with pytest.raises(tokens.TokenExpired) as exc:
        tokens.verify_token(act, token, T0 + dt.timedelta(seconds=60))
    assert "二维码已过期" in str(exc.value) and "截图" in str(exc.value)
    with pytest.raises(tokens.TokenExpired):
        tokens.verify_token(act, token, T0 + dt.timedelta(days=1))


def test_it_refuses_forged_tampered_and_future_tokens(regions, personas, act):
    token = tokens.token_for(act, T0)
    window, mac = token.split("-")
    for bad in ("", "abc", "zz-123", f"{window}-{'0' * len(mac)}", f"{int(window, 16) + 1:x}-{mac}"):
        with pytest.raises(tokens.TokenInvalid, match="二维码无效"):
            tokens.verify_token(act, bad, T0)
    other = activity(regions["A1"], personas["worker"], T0)
    with pytest.raises(tokens.TokenInvalid):
        tokens.verify_token(other, token, T0)  # a token is bound to its activity
    future = tokens.token_for(act, T0 + dt.timedelta(seconds=60))
    with pytest.raises(tokens.TokenInvalid):
        tokens.verify_token(act, future, T0)


def test_the_token_changes_every_thirty_seconds(act):
    a = tokens.token_for(act, T0)
    assert tokens.token_for(act, T0 + dt.timedelta(seconds=29)) == a
    assert tokens.token_for(act, T0 + dt.timedelta(seconds=30)) != a
    assert tokens.seconds_left(T0 + dt.timedelta(seconds=10)) == 20


def test_the_personal_code_round_trips_and_resists_guessing(personas):
    person = personas["resident"].person
    code = tokens.personal_code(person)
    assert tokens.person_id_from_code(code) == person.pk
    assert tokens.person_id_from_code(code.lower()) == person.pk
    assert tokens.person_id_from_code(" " + code.replace("-", " ") + " ") == person.pk
    assert tokens.person_id_from_code(code.replace("-", "－")) == person.pk
    assert tokens.person_id_from_code(f"{person.pk + 1}-{code.split('-')[1]}") is None
    assert tokens.person_id_from_code("12345") is None

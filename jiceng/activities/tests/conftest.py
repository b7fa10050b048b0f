import datetime as dt

import pytest
from django.utils import timezone

from jiceng.activities.tests.factories import START, activity


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Personas are made for every test; a fast hasher keeps that cheap (the test passwords are not secrets)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def act(regions, personas):
    """A two-hour activity in A1 at a fixed START, for the services' clock-driven tests."""
    return activity(regions["A1"], personas["worker"], START, hours=2)


@pytest.fixture
def live(regions, personas):
    """An activity in A1 that started ten minutes ago."""
    return activity(
        regions["A1"], personas["worker"], timezone.now() - dt.timedelta(minutes=10), title="义诊活动"
    )

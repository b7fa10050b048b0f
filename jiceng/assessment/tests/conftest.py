import datetime as dt

import pytest
from django.utils import timezone

from jiceng.bank.tests.factories import rules_seeded


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def rules(regions):
    return rules_seeded(regions["district"])


@pytest.fixture
def period():
    """A period around today that holds every record a test makes, and the notices and vouchers it settles."""
    today = timezone.localdate()
    return today - dt.timedelta(days=30), today + dt.timedelta(days=60)

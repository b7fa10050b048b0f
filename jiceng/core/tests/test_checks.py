"""`jiceng check` refuses keys that cannot encrypt or look up personal data."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from jiceng.core.checks import personal_data_keys_check


def test_the_configured_keys_pass():
    assert personal_data_keys_check() == []


@pytest.mark.parametrize("key", ["not-a-fernet-key", "", "YWJj"])
def test_an_encryption_key_that_does_not_load_fails_the_check(db, settings, key):
    settings.FIELD_ENCRYPTION_KEY = key
    assert [e.id for e in personal_data_keys_check()] == ["jiceng.E001"]
    with pytest.raises(SystemCheckError, match="FIELD_ENCRYPTION_KEY"):
        call_command("check")


def test_a_short_lookup_key_fails_the_check(settings):
    settings.LOOKUP_HASH_KEY = "short"
    assert [e.id for e in personal_data_keys_check()] == ["jiceng.E002"]

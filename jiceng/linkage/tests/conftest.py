import pytest


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings, tmp_path):
    """Personas are made for every test; a fast hasher keeps that cheap (the test passwords are not secrets)."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"

"""The shared persona password follows the hashers in force, so a test that swaps them cannot
leave later tests with a hash the real hasher rejects."""

from django.contrib.auth.hashers import check_password, identify_hasher

from conftest import PASSWORD, persona_password_hash


def test_the_persona_hash_follows_the_configured_hasher(settings):
    real = persona_password_hash()
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    fast = persona_password_hash()
    assert identify_hasher(fast).algorithm == "md5" and check_password(PASSWORD, fast)
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    assert persona_password_hash() == real
    assert identify_hasher(real).algorithm == "argon2" and check_password(PASSWORD, real)

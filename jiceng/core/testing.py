"""Helpers for tests that start real processes against the test database."""

import os

from django.db import connection


def subprocess_env(**extra: str) -> dict:
    """The environment for a child process that must open the same test database as this test."""
    env = dict(os.environ)
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        env["SQLITE_PATH"] = db["NAME"]
        env.pop("DATABASE_URL", None)
    else:
        env["DATABASE_URL"] = (
            f"postgresql://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        )
    env["JICENG_TESTING"] = "1"
    env.update(extra)
    return env

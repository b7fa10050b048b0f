"""Jiceng settings: one file, every deployment value from the environment."""

import hashlib
import ipaddress
import os
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.core.exceptions import ImproperlyConfigured

from jiceng import keys
from jiceng.env import env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("JICENG_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)
TESTING = "pytest" in sys.modules or env_bool("JICENG_TESTING", False)

# Secrets come from the environment, else from var/secrets.json (written once by `make run`,
# `python -m jiceng.keys`), else, for development and tests only, from a fixed key.
_file_secrets = {} if TESTING else keys.load(VAR_DIR)


def _secret(name: str) -> str:
    return env_str(name) or _file_secrets.get(name, "")


_dev_secret = "jiceng-development-only-secret-key-never-use-in-production"
SECRET_KEY = _secret("SECRET_KEY")
if not SECRET_KEY:
    if DEBUG or TESTING or env_bool("JICENG_ALLOW_DEV_SECRET", False):
        SECRET_KEY = _dev_secret
    else:
        raise ImproperlyConfigured(
            "生产环境必须设置 SECRET_KEY 环境变量，或先运行 `python -m jiceng.keys` 生成 var/secrets.json "
            "(SECRET_KEY is required when DEBUG is off)"
        )

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    "jiceng.core",
    "jiceng.regions",
    "jiceng.orgs",
    "jiceng.people",
    "jiceng.cockpit",
    "jiceng.circle",
    "jiceng.bank",
    "jiceng.diary",
    "jiceng.api",
    "jiceng.alliance",
    "jiceng.activities",
    "jiceng.charters",
    "jiceng.workforce",
    "jiceng.linkage",
    "jiceng.funding",
    "jiceng.assessment",
    "jiceng.portal",
    "jiceng.demo",
    "jiceng.scale",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "jiceng.core.csp.ContentSecurityPolicyMiddleware",
]

ROOT_URLCONF = "jiceng.urls"
WSGI_APPLICATION = "jiceng.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "jiceng" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "jiceng.portal.context.shell",
            ],
        },
    },
]


# SQLite: the write-ahead log is copied back into the database file by `jiceng worker` every
# SQLITE_CHECKPOINT_SECONDS (core.wal), off the request path. A connection still checkpoints by
# itself once the log holds SQLITE_WAL_PAGES pages (4 KiB each), the backstop where no worker runs.
SQLITE_CHECKPOINT_SECONDS = env_int("SQLITE_CHECKPOINT_SECONDS", 1)
SQLITE_WAL_PAGES = env_int("SQLITE_WAL_PAGES", 10_000)
for _name in ("SQLITE_CHECKPOINT_SECONDS", "SQLITE_WAL_PAGES"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} 必须是正整数")


def _sqlite(path: str) -> dict:
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": path,
        # Writers take the lock up front, so two writers queue instead of deadlocking.
        "OPTIONS": {
            "transaction_mode": "IMMEDIATE",
            "timeout": 30,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
            f"PRAGMA wal_autocheckpoint={SQLITE_WAL_PAGES};",
        },
        # A file, not memory, so tests can reach the database from other processes and threads.
        "TEST": {"NAME": env_str("SQLITE_TEST_PATH", str(VAR_DIR / f"test-{os.getpid()}.sqlite3"))},
    }


PREPARE_ONLY_WHEN_ASKED = 2**31 - 1  # psycopg prepares a statement on its own after this many runs


def _database_from_url(url: str) -> dict:
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        # dj-database-url's convention: sqlite:///relative/path, sqlite:////absolute/path.
        path = unquote(parsed.path[1:]) if parsed.path.startswith("/") else ""
        if not path or path == ":memory:":
            raise ImproperlyConfigured(
                "DATABASE_URL 的 sqlite:/// 后面要写数据库文件路径，例如 sqlite:///var/x.sqlite3"
            )
        return _sqlite(path)
    if parsed.scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured(
            f"DATABASE_URL 只支持 postgresql:// 或 sqlite:///，当前为 {parsed.scheme!r}"
        )
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parsed.path.lstrip("/")),
        "USER": unquote(parsed.username or ""),
        "PASSWORD": unquote(parsed.password or ""),
        "HOST": parsed.hostname or "",
        "PORT": str(parsed.port or ""),
        "CONN_MAX_AGE": env_int("DB_CONN_MAX_AGE", 60),
        # Django turns psycopg's prepared statements off (None), and then even an explicit
        # `prepare=True` is ignored and the ledger's one-statement CTEs are planned on every
        # call. A threshold no statement reaches keeps the ORM as it is (its client-side
        # cursors never prepare) and lets the ledger prepare its own (bank/statements.py).
        "OPTIONS": {"prepare_threshold": PREPARE_ONLY_WHEN_ASKED},
        "TEST": {"NAME": env_str("TEST_DATABASE_NAME") or None},
    }


DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {"default": _database_from_url(DATABASE_URL)}
else:
    DATABASES = {"default": _sqlite(env_str("SQLITE_PATH", str(VAR_DIR / "jiceng.sqlite3")))}

# A streaming read replica (docs/deploy.md, 只读副本; jiceng/core/dbrouter.py): GET requests read
# from it; writes, transactions, other requests' reads and a client's reads until the replica has
# replayed their last write stay on the primary, and so does every read while the replica lags
# more than DATABASE_REPLICA_MAX_LAG_SECONDS or does not answer.
DATABASE_REPLICA_URL = env_str("DATABASE_REPLICA_URL")
DATABASE_REPLICA_MAX_LAG_SECONDS = env_int("DATABASE_REPLICA_MAX_LAG_SECONDS", 5)
if DATABASE_REPLICA_MAX_LAG_SECONDS < 1:
    raise ImproperlyConfigured("DATABASE_REPLICA_MAX_LAG_SECONDS 必须是正整数（秒）")
DATABASE_ROUTERS: list[str] = []
if DATABASE_REPLICA_URL:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            "设置 DATABASE_REPLICA_URL（只读副本）时，DATABASE_URL 也必须是 postgresql:// 主库"
        )
    if urlparse(DATABASE_REPLICA_URL).scheme not in ("postgres", "postgresql"):
        raise ImproperlyConfigured("DATABASE_REPLICA_URL 必须是 postgresql:// 开头的流复制备库地址")
    DATABASES["replica"] = _database_from_url(DATABASE_REPLICA_URL) | {
        # A replica that does not answer costs a request at most this long, then reads go to the primary.
        "OPTIONS": {"prepare_threshold": PREPARE_ONLY_WHEN_ASKED, "connect_timeout": 2},
        # Tests: the replica is the primary's test database, and the router then reads from the primary.
        "TEST": {"MIRROR": "default"},
    }
    DATABASE_ROUTERS = ["jiceng.core.dbrouter.ReplicaRouter"]
    MIDDLEWARE.insert(
        MIDDLEWARE.index("whitenoise.middleware.WhiteNoiseMiddleware") + 1,
        "jiceng.core.dbrouter.ReplicaMiddleware",
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = ["jiceng.core.auth.PhoneOrUsernameBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Login throttling (core/auth.py): failures per account and per client address inside a sliding window.
# Past LOGIN_MAX_FAILURES an address waits LOGIN_DELAY_SECONDS, doubling up to LOGIN_MAX_DELAY_SECONDS.
LOGIN_MAX_FAILURES = env_int("LOGIN_MAX_FAILURES", 5)
LOGIN_WINDOW_SECONDS = env_int("LOGIN_WINDOW_SECONDS", 900)
LOGIN_DELAY_SECONDS = env_int("LOGIN_DELAY_SECONDS", 30)
LOGIN_MAX_DELAY_SECONDS = env_int("LOGIN_MAX_DELAY_SECONDS", 900)
for _name in ("LOGIN_MAX_FAILURES", "LOGIN_WINDOW_SECONDS", "LOGIN_DELAY_SECONDS", "LOGIN_MAX_DELAY_SECONDS"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} 必须是正整数")
# The reverse proxies (addresses or networks, comma-separated) whose X-Forwarded-For is believed;
# behind nginx on the same machine: TRUSTED_PROXIES=127.0.0.1,::1. Empty: REMOTE_ADDR is the client.
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES", [])
for _proxy in TRUSTED_PROXIES:
    try:
        ipaddress.ip_network(_proxy, strict=False)
    except ValueError:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES 中的 {_proxy!r} 不是 IP 地址或网段") from None

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]  # each in its own language
LOCALE_PATHS = [BASE_DIR / "jiceng" / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "jiceng" / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG or TESTING
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEBUG or TESTING

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG and not TESTING)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Personal data: ID numbers are encrypted with FIELD_ENCRYPTION_KEY and looked up by a keyed hash.
# Development derives both from SECRET_KEY; production sets them explicitly.
FIELD_ENCRYPTION_KEY = _secret("FIELD_ENCRYPTION_KEY")
LOOKUP_HASH_KEY = _secret("LOOKUP_HASH_KEY")
if not FIELD_ENCRYPTION_KEY or not LOOKUP_HASH_KEY:
    if SECRET_KEY == _dev_secret or DEBUG or TESTING:
        import base64

        FIELD_ENCRYPTION_KEY = (
            FIELD_ENCRYPTION_KEY
            or base64.urlsafe_b64encode(hashlib.sha256(("field:" + SECRET_KEY).encode()).digest()).decode()
        )
        LOOKUP_HASH_KEY = LOOKUP_HASH_KEY or hashlib.sha256(("lookup:" + SECRET_KEY).encode()).hexdigest()
    else:
        raise ImproperlyConfigured("生产环境必须设置 FIELD_ENCRYPTION_KEY 和 LOOKUP_HASH_KEY")

# Uploaded photos above this many pixels are refused before decoding (a 23 KB PNG can declare 14000×14000).
PHOTO_MAX_PIXELS = env_int("PHOTO_MAX_MEGAPIXELS", 40) * 1_000_000
if PHOTO_MAX_PIXELS < 1:
    raise ImproperlyConfigured("PHOTO_MAX_MEGAPIXELS 必须是正整数")

# The district this deployment serves by default (statistical division code).
DISTRICT_CODE = env_str("DISTRICT_CODE", "510107000000")

# The district's box (min_lon,min_lat,max_lon,max_lat, WGS-84) that imported coordinates must fall in before a
# walking network exists; empty: the box of its regions' centres, widened. The network's box wins once imported.
try:
    DISTRICT_BBOX = tuple(float(v) for v in env_list("DISTRICT_BBOX", []))
except ValueError:
    DISTRICT_BBOX = (0.0,)  # refused just below, with the same message
if DISTRICT_BBOX and not (
    len(DISTRICT_BBOX) == 4
    and -180 <= DISTRICT_BBOX[0] < DISTRICT_BBOX[2] <= 180
    and -90 <= DISTRICT_BBOX[1] < DISTRICT_BBOX[3] <= 90
):
    raise ImproperlyConfigured(
        "DISTRICT_BBOX 应为“最小经度,最小纬度,最大经度,最大纬度”四个数，例如 103.9,30.6,104.1,30.8"
    )

# Map tiles come from a configurable server; intranets point this at their own.
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")

# Every response carries a Content-Security-Policy (jiceng/core/csp.py); its image sources
# include the host of MAP_TILE_URL. CSP_REPORT_ONLY=True only reports violations, for a trial.
CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY", False)

# Background work runs on the django-tasks queue, stored in the database; `jiceng worker` runs it.
# Tests run tasks in the calling process (the worker's own tests start a real worker).
TASKS = {
    "default": {
        "BACKEND": env_str(
            "TASKS_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        )
    }
}
JOB_STALE_SECONDS = env_int("JOB_STALE_SECONDS", 300)
JOB_MAX_ATTEMPTS = env_int("JOB_MAX_ATTEMPTS", 3)
JOB_RECOVER_SECONDS = env_int("JOB_RECOVER_SECONDS", 30)
# How often `jiceng worker` enqueues the refresh of the cockpit's roll-up (cockpit.tasks).
COCKPIT_ROLLUP_SECONDS = env_int("COCKPIT_ROLLUP_SECONDS", 300)
for _name in ("JOB_STALE_SECONDS", "JOB_MAX_ATTEMPTS", "JOB_RECOVER_SECONDS", "COCKPIT_ROLLUP_SECONDS"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} 必须是正整数")

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

os.makedirs(STATIC_ROOT, exist_ok=True)

# Moral Bank transparency log: the Ed25519 signer key ("PRIVATE+KEY+..."); development generates one under var/.
LEDGER_SIGNER_KEY = _secret("LEDGER_SIGNER_KEY")
LEDGER_KEY_NAME = env_str("LEDGER_KEY_NAME", "jiceng-moral-bank")
LEDGER_LOG_ORIGIN = env_str("LEDGER_LOG_ORIGIN", "jiceng.local/moral-bank")
# Every posted or voided transfer enters the log within this many minutes (`bank settle`, run by
# cron each minute, signs a checkpoint once one has waited half of it); `ledger verify` reports any later.
LEDGER_LOG_WITHIN_MINUTES = env_int("LEDGER_LOG_WITHIN_MINUTES", 10)
if not LEDGER_SIGNER_KEY and not (DEBUG or TESTING or SECRET_KEY == _dev_secret):
    raise ImproperlyConfigured("生产环境必须设置 LEDGER_SIGNER_KEY（道德银行检查点签名私钥）")

# Moral Bank: days an approved award stays on the public notice board before it is posted.
NOTICE_DAYS = env_int("NOTICE_DAYS", 5)

"""Kawal's one settings module, configured by KAWAL_* environment variables.

The defaults run the demo: SQLite in WAL mode under KAWAL_DATA_DIR (default ./var),
a demo secret key, debug off. `kawal serve` refuses the demo secret and debug mode.
With debug off, https is on (KAWAL_HTTPS): secure cookies, HSTS and the SSL redirect;
`kawal demo` (cli.py) and the benchmarks set KAWAL_HTTPS=0 for plain http on 127.0.0.1.
docs/deploy.md lists every variable; docs/security.md says why each default is what it is.
"""

import os
from collections.abc import Mapping
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent


def _flag(name: str, default: bool) -> bool:
    value = os.environ.get(name, "").strip().lower()
    return default if not value else value in {"1", "true", "yes", "on"}


def _number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    try:
        return int(value) if value else default
    except ValueError:
        raise ValueError(f"{name} must be a whole number, not {value!r}") from None


def _list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEMO_SECRET_KEY = "kawal-demo-secret-not-for-production"

DATA_DIR = Path(os.environ.get("KAWAL_DATA_DIR", "var")).resolve()
SECRET_KEY = os.environ.get("KAWAL_SECRET_KEY", DEMO_SECRET_KEY)
# The Ed25519 key that signs the custody checkpoints (raw, base64); unset, the demo makes
# one in DATA_DIR (custody/signing.py).
LEDGER_KEY = os.environ.get("KAWAL_LEDGER_KEY", "")
DEBUG = _flag("KAWAL_DEBUG", False)
# Set by `kawal demo` (cli.py): `kawal serve` then lets the demo users keep the demo password.
DEMO = _flag("KAWAL_DEMO", False)
ALLOWED_HOSTS = _list("KAWAL_ALLOWED_HOSTS", "127.0.0.1,localhost")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.humanize",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "axes",
    "kawal.accounts",
    "kawal.territory",
    "kawal.personnel",
    "kawal.operations",
    "kawal.custody",
    "kawal.imports",
    "kawal.planning",
    "kawal.incidents",
    "kawal.command",
    "kawal.field",
    "kawal.demo",
    "kawal.simulation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "kawal.request_limits.BodyLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "kawal.accounts.language.IndonesianFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
]

# The largest request body (kawal/request_limits.py answers 413 above it on the API): a full
# batch of 1,000 custody events with long notes and signatures fits.
DATA_UPLOAD_MAX_MEMORY_SIZE = 4 * 1024 * 1024

ROOT_URLCONF = "kawal.urls"
WSGI_APPLICATION = "kawal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]


def _database() -> Mapping[str, object]:
    url = os.environ.get("KAWAL_DATABASE_URL")
    if url:
        return dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    return {
        "ENGINE": "kawal.sqlite",  # Django's, with its writers queued: kawal/sqlite/base.py
        "NAME": DATA_DIR / "kawal.sqlite3",
        # Kept across requests, as on PostgreSQL: opening one costs a sync request a millisecond.
        "CONN_MAX_AGE": 60,
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {
            # WAL lets the command center read while field devices write.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        },
    }


DATABASES = {"default": _database()}
if os.environ.get("KAWAL_REPLICA_URL"):
    # Tests never reach a real replica through Django: they run on the primary's test database.
    DATABASES["replica"] = {
        **dj_database_url.parse(os.environ["KAWAL_REPLICA_URL"], conn_max_age=60),
        "TEST": {"MIRROR": "default"},
    }
DATABASE_ROUTERS = ["kawal.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "overview"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = 1  # hours, as accounts/locked.html tells the locked-out user
AXES_RESET_ON_SUCCESS = True
# A lock holds one username at one address: failures from one address can't lock a user
# out everywhere, nor every user out (docs/security.md "Production settings").
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "kawal.accounts.client_ip.client_ip"
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
# How long an API token works unless its issuer says otherwise (accounts/models.py); a
# device's lasts to the end of its operation if that is later (field/devices.py).
API_TOKEN_DAYS = _number("KAWAL_TOKEN_DAYS", 30)
# Per user: (requests, per seconds) for the costly reads (accounts/throttle.py).
RATE_LIMITS = {"verify": (6, 600), "labels": (30, 600)}
# How many reverse proxies stand in front of Kawal, each adding to X-Forwarded-For; 0 (the
# default) reads the address the connection came from and trusts no header.
PROXY_COUNT = _number("KAWAL_PROXY_COUNT", 0)

LANGUAGE_CODE = "id"
LANGUAGES = [("id", "Bahasa Indonesia"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Jakarta"

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# The demo serves straight from the app folders; production runs collectstatic.
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# A session ends after this long without a request; each request starts the wait again.
SESSION_COOKIE_AGE = 60 * _number("KAWAL_SESSION_IDLE_MINUTES", 60)
SESSION_SAVE_EVERY_REQUEST = True

# One switch for https: secure cookies, HSTS and the redirect from http. On unless debug is;
# KAWAL_HTTPS=0 serves plain http, for a loopback benchmark or a closed network.
HTTPS = _flag("KAWAL_HTTPS", not DEBUG)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = SECURE_SSL_REDIRECT = HTTPS
SECURE_HSTS_SECONDS = _number("KAWAL_HSTS_SECONDS", 365 * 24 * 3600) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("KAWAL_HSTS_INCLUDE_SUBDOMAINS", True)
# Preloading puts the domain on the browsers' built-in list, which takes months to undo:
# an owner's decision, so it is off unless set, and its deploy warning is silenced.
SECURE_HSTS_PRELOAD = _flag("KAWAL_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
# Trusted only when set: without a proxy that overwrites it, a client could send it itself.
# KAWAL_PROXY_SSL_HEADER=X-Forwarded-Proto trusts "X-Forwarded-Proto: https".
if os.environ.get("KAWAL_PROXY_SSL_HEADER", "").strip():
    _header = os.environ["KAWAL_PROXY_SSL_HEADER"].strip().upper().replace("-", "_")
    SECURE_PROXY_SSL_HEADER = (f"HTTP_{_header}", "https")
CSRF_TRUSTED_ORIGINS = _list("KAWAL_CSRF_TRUSTED_ORIGINS")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": "WARNING"},
}

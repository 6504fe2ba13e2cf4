"""Kawal's one settings module, configured by KAWAL_* environment variables.

The defaults run the demo: SQLite in WAL mode under KAWAL_DATA_DIR (default ./var),
a demo secret key, debug off. `kawal serve` refuses the demo secret and debug mode.
"""

import os
from collections.abc import Mapping
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
DEMO_SECRET_KEY = "kawal-demo-secret-not-for-production"

DATA_DIR = Path(os.environ.get("KAWAL_DATA_DIR", "var")).resolve()
SECRET_KEY = os.environ.get("KAWAL_SECRET_KEY", DEMO_SECRET_KEY)
# The Ed25519 key that signs the custody checkpoints (raw, base64); unset, the demo makes
# one in DATA_DIR (custody/signing.py).
LEDGER_KEY = os.environ.get("KAWAL_LEDGER_KEY", "")
DEBUG = os.environ.get("KAWAL_DEBUG", "").lower() in {"1", "true", "yes", "on"}
ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("KAWAL_ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]

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
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "overview"
LOGOUT_REDIRECT_URL = "login"

AXES_FAILURE_LIMIT = 10
AXES_COOLOFF_TIME = 1  # hours
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]

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

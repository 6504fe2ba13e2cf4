"""Production is safe by default: with nothing but a secret and the allowed hosts, Kawal
passes Django's deployment check; KAWAL_HTTPS=0 gives plain http on purpose.

Settings are read once, when a process starts, so each case runs in a fresh Python with an
environment of its own, as a server would.
"""

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from tests.conftest import user

ROOT = Path(__file__).resolve().parents[2]

# GET /login/ over http and over https, and what came back: where a redirect goes, whether
# the CSRF cookie is marked secure, and the HSTS header.
PROBE = """
import django, json, sys
django.setup()
from django.test import Client
answers = {}
for name, extra in [("http", {}), ("https", {"secure": True}),
                    ("forwarded", {"HTTP_X_FORWARDED_PROTO": "https"})]:
    response = Client().get("/login/", HTTP_HOST="kawal.example", **extra)
    cookie = response.cookies.get("csrftoken")
    answers[name] = {
        "status": response.status_code,
        "location": response.get("Location"),
        "secure_cookie": bool(cookie and cookie["secure"]),
        "hsts": response.get("Strict-Transport-Security"),
    }
print(json.dumps(answers))
"""


def _minimal_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """A production server's environment: a real secret and its host name, nothing else."""
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "kawal.settings",
        "KAWAL_DATA_DIR": str(tmp_path / "data"),
        "KAWAL_SECRET_KEY": secrets.token_urlsafe(50),
        "KAWAL_ALLOWED_HOSTS": "kawal.example",
        **extra,
    }


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], env=env, cwd=ROOT, capture_output=True, text=True, check=False
    )


def _deploy_check(env: dict[str, str]) -> subprocess.CompletedProcess:
    return _run(env, "-m", "kawal.cli", "check", "--deploy", "--fail-level", "WARNING")


def _probe(env: dict[str, str]) -> dict:
    done = _run(env, "-c", PROBE)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_deploy_check_passes_with_only_a_secret_and_the_allowed_hosts(tmp_path):
    done = _deploy_check(_minimal_env(tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_deploy_check_fails_on_plain_http(tmp_path):
    done = _deploy_check(_minimal_env(tmp_path, KAWAL_HTTPS="0"))
    assert done.returncode != 0
    assert "SESSION_COOKIE_SECURE" in done.stderr and "SECURE_SSL_REDIRECT" in done.stderr


def test_by_default_http_is_redirected_and_https_gets_secure_cookies_and_hsts(tmp_path):
    answers = _probe(_minimal_env(tmp_path))
    assert answers["http"]["status"] == 301
    assert answers["http"]["location"] == "https://kawal.example/login/"
    assert answers["https"]["status"] == 200
    assert answers["https"]["secure_cookie"] is True
    assert answers["https"]["hsts"] == "max-age=31536000; includeSubDomains"
    # Without a proxy configured, a client's own X-Forwarded-Proto is not believed.
    assert answers["forwarded"]["status"] == 301


def test_behind_a_configured_proxy_its_https_header_is_trusted(tmp_path):
    answers = _probe(_minimal_env(tmp_path, KAWAL_PROXY_SSL_HEADER="X-Forwarded-Proto"))
    assert answers["forwarded"]["status"] == 200
    assert answers["forwarded"]["secure_cookie"] is True


def test_with_https_off_cookies_are_not_secure_and_http_is_served(tmp_path):
    answers = _probe(_minimal_env(tmp_path, KAWAL_HTTPS="0"))
    assert answers["http"]["status"] == 200
    assert answers["http"]["secure_cookie"] is False
    assert answers["https"]["hsts"] is None


def test_debug_turns_https_off_unless_it_is_asked_for(tmp_path):
    assert _probe(_minimal_env(tmp_path, KAWAL_DEBUG="1"))["http"]["status"] == 200
    forced = _probe(_minimal_env(tmp_path, KAWAL_DEBUG="1", KAWAL_HTTPS="1"))
    assert forced["http"]["status"] == 301


@pytest.mark.parametrize(
    "password", ["kawal-demo", "12345678901234", "password1234", "commander2024x"]
)
def test_weak_passwords_are_refused(small, password):
    with pytest.raises(ValidationError):
        validate_password(password, user("commander"))


def test_a_long_unusual_passphrase_is_accepted(small):
    validate_password("perahu-kabut-Ijen-tujuh", user("commander"))


def _stored_session(client: Client):
    from django.contrib.sessions.models import Session

    return Session.objects.get(session_key=client.session.session_key)


def test_each_request_moves_the_idle_timeout_back(small, settings):
    client = Client()
    client.force_login(user("commander"))
    stored = _stored_session(client)
    stored.expire_date = timezone.now() + timezone.timedelta(minutes=1)  # almost idle too long
    stored.save(update_fields=["expire_date"])
    assert client.get("/").status_code in (200, 302)
    left = _stored_session(client).expire_date - timezone.now()
    assert left > timezone.timedelta(seconds=settings.SESSION_COOKIE_AGE - 60)


def test_a_session_idle_too_long_must_log_in_again(small):
    client = Client()
    client.force_login(user("commander"))
    stored = _stored_session(client)
    stored.expire_date = timezone.now() - timezone.timedelta(seconds=1)
    stored.save(update_fields=["expire_date"])
    response = client.get("/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")

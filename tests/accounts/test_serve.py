"""`kawal serve` starts only when it is safe to: no demo user left on the published demo
password, and https either on behind a proxy or off with a warning."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management import CommandError, call_command

from kawal import server
from kawal.demo.users import DEMO_PASSWORD


@pytest.fixture
def production(db, settings, monkeypatch):
    """Everything else `kawal serve` asks for, and no user on the demo password (the demo
    may be loaded in this session); the servers it would start, recorded."""
    get_user_model().objects.update(password=make_password(None))
    settings.SECRET_KEY = "a-real-production-secret-0123456789"
    settings.DEBUG, settings.DEMO, settings.LEDGER_KEY = False, False, "a-ledger-key"
    started: list[str] = []
    monkeypatch.setattr(server, "run", lambda bind, workers=2: started.append(bind))
    return started


@pytest.fixture
def demo_user(production):
    komandan, _ = get_user_model().objects.get_or_create(username="komandan")
    komandan.set_password(DEMO_PASSWORD)
    komandan.save(update_fields=["password"])
    return komandan


def test_serve_refuses_while_a_demo_user_has_the_demo_password(production, demo_user):
    with pytest.raises(CommandError, match="komandan") as refused:
        call_command("serve")
    assert "kawal changepassword USERNAME" in str(refused.value)
    assert production == []


def test_serve_starts_once_the_demo_password_is_changed(production, demo_user, capsys):
    demo_user.set_password("perahu-kabut-Ijen-tujuh")
    demo_user.save(update_fields=["password"])
    call_command("serve", "--bind", "127.0.0.1:8123")
    assert production == ["127.0.0.1:8123"]


def test_the_demo_serves_with_its_demo_password(production, demo_user, settings):
    settings.DEMO = True  # what `kawal demo` sets (kawal/cli.py)
    call_command("serve")
    assert production == ["127.0.0.1:8000"]


def test_plain_http_serves_with_a_warning(production, settings, capsys):
    settings.HTTPS = False
    call_command("serve")
    assert production and "KAWAL_HTTPS=0: serving plain http" in capsys.readouterr().err


def test_https_without_a_proxy_to_terminate_it_is_refused(production, settings):
    settings.HTTPS = True
    with pytest.raises(CommandError, match="KAWAL_PROXY_SSL_HEADER"):
        call_command("serve")
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    call_command("serve")
    assert production == ["127.0.0.1:8000"]

"""The `kawal` command and its production guards."""

import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.test import Client, override_settings

from tests.conftest import logged_in


def test_kawal_runs_django_commands_with_its_settings_preset():
    result = subprocess.run(
        [sys.executable, "-m", "kawal.cli", "diffsettings", "--output", "unified"],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "ROOT_URLCONF = 'kawal.urls'" in result.stdout


def test_serve_refuses_the_demo_secret():
    with pytest.raises(CommandError, match="demo secret"):
        call_command("serve")


@override_settings(SECRET_KEY="a-real-production-secret-0123456789", DEBUG=True)
def test_serve_refuses_debug_mode():
    with pytest.raises(CommandError, match="KAWAL_DEBUG"):
        call_command("serve")


def test_the_api_publishes_its_openapi_schema(db):
    schema = Client().get("/api/v1/openapi.json").json()
    assert "/api/v1/status" in schema["paths"]
    assert "/api/v1/personnel" in schema["paths"]


def test_admin_lists_master_data_for_the_admin_user(demo):
    client = logged_in("admin")
    for model in ("territory/tps", "territory/region", "personnel/member", "operations/operation"):
        assert client.get(f"/admin/{model}/").status_code == 200, model

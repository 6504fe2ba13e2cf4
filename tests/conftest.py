"""Shared fixtures: the Banyuwangi demo loaded once per session, and its known users.

The suite runs twice (scripts/test.sh): on SQLite, and with KAWAL_DATABASE_URL set on
PostgreSQL, where only the tests that touch the database run again.
"""

import os

import pytest
from django.contrib.auth import get_user_model
from django.test import Client

from kawal.accounts.models import ApiToken

ON_POSTGRES = os.environ.get("KAWAL_DATABASE_URL", "").startswith("postgres")


def _uses_database(item: pytest.Item) -> bool:
    fixtures = getattr(item, "fixturenames", [])
    return (
        item.get_closest_marker("django_db") is not None
        or item.get_closest_marker("e2e") is not None
        or item.get_closest_marker("live") is not None
        or bool({"db", "transactional_db", "live_server", "demo"} & set(fixtures))
    )


def pytest_collection_modifyitems(config, items):
    if not ON_POSTGRES:
        return
    keep = [i for i in items if _uses_database(i)]
    dropped = [i for i in items if not _uses_database(i)]
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


def pytest_report_header(config):
    return f"kawal database: {'PostgreSQL' if ON_POSTGRES else 'SQLite'}"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """The test database holds the whole demo operation; each test rolls back its changes."""
    from kawal.demo.load import load_demo

    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def demo(db):
    """The loaded Banyuwangi demo operation (within the test's transaction)."""
    from kawal.operations.models import Operation

    return Operation.objects.get(code="mantap-praja-semeru-2024")


def user(username: str):
    return get_user_model().objects.get(username=username)


def logged_in(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def bearer(username: str) -> dict:
    _, token = ApiToken.issue(user(username))
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

"""Shared fixtures: a small operation made per test (tests/factories.py), and the Banyuwangi
demo, loaded once per session by the first test that asks for it, with its known users.

The suite runs twice (scripts/test.sh): on SQLite, and with KAWAL_DATABASE_URL set on
PostgreSQL, where only the tests that touch the database run again.
"""

import os

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client, override_settings

from kawal.accounts.models import ApiToken
from tests.factories import Small, small_operation

ON_POSTGRES = os.environ.get("KAWAL_DATABASE_URL", "").startswith("postgres")

# The test client, and the servers tests start on 127.0.0.1, speak plain http: KAWAL_HTTPS=0
# for the servers (they inherit this environment), and what it sets for the settings this
# process loaded before any conftest (kawal/settings.py). Set here, as the conftest is
# imported, because test modules build WSGI apps as they are collected (tests/api).
os.environ.setdefault("KAWAL_HTTPS", "0")
PLAIN_HTTP = {
    "HTTPS": False,
    "SESSION_COOKIE_SECURE": False,
    "CSRF_COOKIE_SECURE": False,
    "SECURE_SSL_REDIRECT": False,
    "SECURE_HSTS_SECONDS": 0,
}
override_settings(**PLAIN_HTTP).enable()


@pytest.fixture(autouse=True)
def fresh_rate_limits():
    """Each test starts with no requests counted against the per-user limits (throttle.py)."""
    cache.clear()


def _uses_database(item: pytest.Item) -> bool:
    fixtures = getattr(item, "fixturenames", [])
    return (
        item.get_closest_marker("django_db") is not None
        or item.get_closest_marker("e2e") is not None
        or item.get_closest_marker("live") is not None
        or bool({"db", "transactional_db", "live_server", "demo", "small"} & set(fixtures))
    )


def _is_browser_test(item: pytest.Item) -> bool:
    return "tests/e2e/" in item.nodeid


def pytest_collection_modifyitems(config, items):
    # Browser tests last: Playwright's sync API keeps an event loop running in this thread
    # until the session ends, and Django refuses database calls from under a running loop.
    items.sort(key=_is_browser_test)
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
def demo_loaded(django_db_setup, django_db_blocker) -> None:
    """The whole Banyuwangi demo, committed to the test database the first time a test asks
    for it, and kept for the rest of the session: each test rolls back its own changes.

    Being session-scoped, it runs before the asking test opens its transaction. Tests that
    flush the database (transactional_db) run after all others (pytest-django orders them
    last), so no test that wants the demo finds it flushed.
    """
    from kawal.demo.load import load_demo

    with django_db_blocker.unblock():
        load_demo()


@pytest.fixture
def demo(demo_loaded, db):
    """The loaded Banyuwangi demo operation (within the test's transaction), and its users:
    komandan, polsek-<district>, petugas, pemantau, admin."""
    from kawal.operations.models import Operation

    return Operation.objects.get(code="mantap-praja-semeru-2024")


@pytest.fixture
def small(db) -> Small:
    """The small operation of tests/factories.py, made within the test's transaction."""
    return small_operation()


def user(username: str):
    return get_user_model().objects.get(username=username)


def logged_in(username: str) -> Client:
    client = Client()
    client.force_login(user(username))
    return client


def bearer(username: str) -> dict:
    _, token = ApiToken.issue(user(username))
    return {"HTTP_AUTHORIZATION": f"Bearer {token}"}

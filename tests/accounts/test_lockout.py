"""The login lockout (django-axes) holds one username at one address: an attacker at one
address who guesses a user's password locks that user out there, not the user elsewhere,
and not the other users at that address. Behind proxies, the address is the client's."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client, RequestFactory

from kawal.accounts.client_ip import client_ip

PASSWORD = "perahu-kabut-Ijen-tujuh"
ATTACKER, ELSEWHERE, PROXY = "203.0.113.66", "198.51.100.7", "10.0.0.2"


@pytest.fixture
def people(db):
    for name in ("ucok", "vina"):
        get_user_model().objects.create_user(name, password=PASSWORD)


def _log_in(username: str, password: str, **meta: str):
    return Client(**meta).post("/login/", {"username": username, "password": password})


def _guess_until_locked(username: str, settings, **meta: str) -> None:
    for n in range(settings.AXES_FAILURE_LIMIT):
        assert _log_in(username, f"guess-{n}", **meta).status_code in (200, 429)


def test_failures_from_one_address_lock_that_user_there(people, settings):
    _guess_until_locked("ucok", settings, REMOTE_ADDR=ATTACKER)
    locked = _log_in("ucok", PASSWORD, REMOTE_ADDR=ATTACKER)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Login dikunci" in page  # the lockout page, in Indonesian first
    assert "alamat ini" in page  # it says the lock holds this address only


def test_the_locked_user_still_logs_in_from_another_address(people, settings):
    _guess_until_locked("ucok", settings, REMOTE_ADDR=ATTACKER)
    response = _log_in("ucok", PASSWORD, REMOTE_ADDR=ELSEWHERE)
    assert response.status_code == 302 and response["Location"] == "/"


def test_another_user_still_logs_in_from_the_attackers_address(people, settings):
    _guess_until_locked("ucok", settings, REMOTE_ADDR=ATTACKER)
    response = _log_in("vina", PASSWORD, REMOTE_ADDR=ATTACKER)
    assert response.status_code == 302


def test_a_wrong_password_before_the_limit_says_so_and_allows_another_try(people):
    first = _log_in("ucok", "wrong", REMOTE_ADDR=ATTACKER)
    assert first.status_code == 200 and "Nama pengguna atau kata sandi salah" in first.content.decode()
    assert _log_in("ucok", PASSWORD, REMOTE_ADDR=ATTACKER).status_code == 302


def test_behind_a_proxy_the_lock_holds_the_client_not_the_proxy(people, settings):
    settings.PROXY_COUNT = 1
    attacker = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": ATTACKER}
    _guess_until_locked("ucok", settings, **attacker)
    assert _log_in("ucok", PASSWORD, **attacker).status_code == 429
    # Everyone arrives from the proxy; the user elsewhere is told apart by the proxy's header.
    other = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": ELSEWHERE}
    assert _log_in("ucok", PASSWORD, **other).status_code == 302
    # An address the attacker writes in front of the proxy's own is not believed.
    spoofed = {"REMOTE_ADDR": PROXY, "HTTP_X_FORWARDED_FOR": f"{ELSEWHERE}, {ATTACKER}"}
    assert _log_in("ucok", PASSWORD, **spoofed).status_code == 429


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.2"),  # no proxy configured: no header believed
        (1, "203.0.113.5", "203.0.113.5"),
        (1, "6.6.6.6, 203.0.113.5", "203.0.113.5"),  # the client wrote 6.6.6.6 itself
        (2, "6.6.6.6, 203.0.113.5, 10.0.0.9", "203.0.113.5"),
        (2, "203.0.113.5", "10.0.0.2"),  # fewer entries than proxies: it came around them
        (1, "not-an-address", "10.0.0.2"),
        (1, "", "10.0.0.2"),
    ],
)
def test_the_client_address_is_the_proxies_count_from_the_right(
    settings, count, forwarded, expected
):
    settings.PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected

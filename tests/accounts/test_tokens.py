"""API tokens expire, are listed without their secret, are revoked by prefix, and mark
their last use at most once a minute."""

from datetime import timedelta

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from kawal.accounts.models import ApiToken, AuditEntry

STATUS = "/api/v1/status?region=35.09"


def _create(capsys, *args: str) -> tuple[str, ApiToken]:
    call_command("token", "create", *args)
    token = capsys.readouterr().out.strip()
    return token, ApiToken.objects.get(digest=ApiToken.digest_of(token))


def _get(token: str, path: str = STATUS):
    return Client().get(path, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_new_token_expires_after_the_configured_days(small, capsys, settings):
    _, row = _create(capsys, "commander")
    expected = timezone.now() + timedelta(days=settings.API_TOKEN_DAYS)
    assert abs(row.expires_at - expected) < timedelta(minutes=1)


def test_the_issuer_may_give_a_token_fewer_days(small, capsys):
    _, row = _create(capsys, "commander", "--days", "7")
    assert abs(row.expires_at - (timezone.now() + timedelta(days=7))) < timedelta(minutes=1)


def test_zero_days_is_refused(small):
    with pytest.raises(CommandError, match="--days"):
        call_command("token", "create", "commander", "--days", "0")


def test_an_expired_token_is_refused_with_a_reason(small, capsys):
    token, row = _create(capsys, "commander")
    assert _get(token).status_code == 200
    ApiToken.objects.filter(pk=row.pk).update(expires_at=timezone.now() - timedelta(seconds=1))
    refused = _get(token)
    assert refused.status_code == 401
    assert "expired" in refused.json()["detail"] and "new one" in refused.json()["detail"]


def test_the_list_shows_each_token_but_never_its_secret(small, capsys):
    token, row = _create(capsys, "commander")
    _create(capsys, "observer")
    call_command("token", "list")
    listed = capsys.readouterr().out
    header, *lines = listed.splitlines()
    assert header.split() == ["prefix", "user", "device", "created", "last", "used", "expires",
                              "revoked"]  # fmt: skip
    assert len(lines) == 2
    mine = next(line for line in lines if "commander" in line)
    assert mine.startswith(row.prefix + "…") and f"{row.expires_at:%Y-%m-%d %H:%M}" in mine
    assert token not in listed and row.digest not in listed


def test_the_list_of_one_user(small, capsys):
    _create(capsys, "commander")
    _create(capsys, "observer")
    call_command("token", "list", "--user", "observer")
    lines = capsys.readouterr().out.splitlines()[1:]
    assert len(lines) == 1 and "observer" in lines[0]


def test_a_revoked_token_is_refused_and_the_revocation_audited(small, capsys):
    token, row = _create(capsys, "commander")
    call_command("token", "revoke", row.prefix)
    assert "revoked" in capsys.readouterr().out
    assert _get(token).status_code == 401
    entry = AuditEntry.objects.get(action="token.revoke")
    assert entry.target_id == str(row.pk) and entry.details["user"] == "commander"
    call_command("token", "list")
    assert capsys.readouterr().out.splitlines()[1].rstrip().endswith("yes")


def test_revoking_an_unknown_prefix_names_it(small):
    with pytest.raises(CommandError, match="kwl_nope"):
        call_command("token", "revoke", "kwl_nope")


def test_a_prefix_two_tokens_share_needs_the_user(small, capsys):
    _, first = _create(capsys, "commander")
    _, second = _create(capsys, "observer")
    ApiToken.objects.filter(pk=second.pk).update(prefix=first.prefix)
    with pytest.raises(CommandError, match="--user"):
        call_command("token", "revoke", first.prefix)
    call_command("token", "revoke", first.prefix, "--user", "observer")
    assert list(ApiToken.objects.filter(revoked=True)) == [second]


def _token_updates(queries) -> int:
    return sum(
        1 for q in queries if q["sql"].startswith("UPDATE") and "accounts_apitoken" in q["sql"]
    )


def test_last_use_is_written_once_for_two_quick_requests(small, capsys):
    token, row = _create(capsys, "commander")
    with CaptureQueriesContext(connection) as queries:
        assert _get(token).status_code == 200
        assert _get(token).status_code == 200
    assert _token_updates(queries.captured_queries) == 1
    row.refresh_from_db()
    assert timezone.now() - row.last_used_at < timedelta(minutes=1)


def test_last_use_is_written_again_after_a_minute(small, capsys):
    token, row = _create(capsys, "commander")
    earlier = timezone.now() - timedelta(minutes=2)
    ApiToken.objects.filter(pk=row.pk).update(last_used_at=earlier)
    with CaptureQueriesContext(connection) as queries:
        assert _get(token).status_code == 200
    assert _token_updates(queries.captured_queries) == 1
    row.refresh_from_db()
    assert row.last_used_at > earlier + timedelta(minutes=1)

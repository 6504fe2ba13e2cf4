"""Every write is audited, with who made it."""

from django.core.management import call_command

from kawal.accounts.models import ApiToken, AuditEntry
from kawal.territory.models import TPS
from tests.conftest import logged_in, user


def test_an_admin_edit_is_audited_with_its_actor(demo):
    tps = TPS.objects.get(code="35.10.01.2001-001")
    client = logged_in("admin")
    form = {
        "code": tps.code,
        "village": tps.village_id,
        "number": tps.number,
        "voters": 333,
        "address": tps.address,
        "lat": tps.lat,
        "lng": tps.lng,
        "risk": tps.risk,
    }
    response = client.post(f"/admin/territory/tps/{tps.pk}/change/", form)
    assert response.status_code == 302
    entry = AuditEntry.objects.filter(target_type="territory.TPS", target_id=str(tps.pk)).latest(
        "id"
    )
    assert entry.action == "update"
    assert entry.actor == user("admin")


def test_creating_a_token_is_audited_and_only_its_digest_is_stored(demo, capsys):
    call_command("token", "create", "komandan")
    token = capsys.readouterr().out.strip()
    row = ApiToken.objects.get(digest=ApiToken.digest_of(token))
    assert token not in (row.digest, row.prefix)
    assert AuditEntry.objects.filter(
        target_type="accounts.ApiToken", target_id=str(row.pk)
    ).exists()


def test_passwords_are_hashed_with_argon2(demo):
    assert user("komandan").password.startswith("argon2")

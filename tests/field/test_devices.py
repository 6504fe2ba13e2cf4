"""Provisioning: issuing a QR code, enrolling a phone with it, the device list and revoking."""

import json
import re
from datetime import timedelta

from django.test import Client
from django.utils import timezone

from kawal.accounts.models import AuditEntry, Role, RoleGrant
from kawal.field import devices
from kawal.field.models import Device, EnrolmentCode
from tests.conftest import logged_in, user
from tests.field.conftest import DISTRICT, SECTOR_USER, new_key, spki

ENROL = "/api/v1/devices/enrol"
PAGE = "/field/devices/"


def _enrol(code: str, key=None, **extra):
    body = {"code": code, "public_key": spki(key or new_key()), **extra}
    return Client().post(ENROL, json.dumps(body), content_type="application/json")


def _issue(client, nrp: str, region: str = DISTRICT):
    return client.post(PAGE, {"nrp": nrp, "region": region})


def _code_on(page) -> str:
    return re.search(r'data-enrol-code="([A-Z0-9]+)"', page.content.decode()).group(1)


def test_a_sector_user_issues_a_qr_code_that_opens_the_field_app_with_the_code(member):
    page = _issue(logged_in(SECTOR_USER), member.nrp)
    assert page.status_code == 200
    html = page.content.decode()
    code = _code_on(page)
    assert f'data-enrol-url="http://testserver/field/#enrol={code}"' in html
    assert "<svg" in html and member.name in html
    row = EnrolmentCode.objects.get(member=member)
    assert row.region_id == DISTRICT and row.expires_at - row.issued_at == timedelta(minutes=15)
    assert code not in row.digest  # only the digest is kept
    assert AuditEntry.objects.filter(action="field.issue", actor=user(SECTOR_USER)).exists()


def test_the_phone_trades_the_code_and_its_public_key_for_a_token(member):
    code = _code_on(_issue(logged_in(SECTOR_USER), member.nrp))
    response = _enrol(code.lower()[:4] + "-" + code[4:], label="HP Bripka")
    assert response.status_code == 200
    body = response.json()
    assert body["member"] == {
        "nrp": member.nrp, "name": member.name, "rank": member.rank, "force": member.force,
    }  # fmt: skip
    assert body["region"] == DISTRICT
    device = Device.objects.get(pk=body["device"])
    assert device.label == "HP Bripka" and device.member == member
    duty = Client().get("/api/v1/field/duty", HTTP_AUTHORIZATION=f"Bearer {body['token']}")
    assert duty.status_code == 200


def test_a_device_acts_only_as_its_member_in_its_region(phone):
    grants = RoleGrant.objects.filter(user=phone.device.user)
    assert list(grants.values_list("role", "region_id")) == [(Role.FIELD, DISTRICT)]
    assert not phone.device.user.has_usable_password()


def test_a_used_code_is_refused(member):
    code = _code_on(_issue(logged_in(SECTOR_USER), member.nrp))
    assert _enrol(code).status_code == 200
    again = _enrol(code)
    assert again.status_code == 410
    assert "already used" in again.json()["detail"]
    assert Device.objects.filter(member=member).count() == 1


def test_an_expired_code_is_refused(member):
    issued = devices.issue_code(
        nrp=member.nrp, region_code=DISTRICT, actor=user(SECTOR_USER),
        now=timezone.now() - timedelta(minutes=16),
    )  # fmt: skip
    response = _enrol(issued.code)
    assert response.status_code == 410
    assert "expired" in response.json()["detail"]


def test_an_unknown_code_is_refused(demo):
    response = _enrol("ABCD-EFGH-JKLM")
    assert response.status_code == 400
    assert "unknown enrolment code" in response.json()["detail"]


def test_a_bad_public_key_is_refused_by_name_and_leaves_the_code_usable(member):
    code = _code_on(_issue(logged_in(SECTOR_USER), member.nrp))
    for key, message in (
        ("not base64!", "public_key must be standard base64"),
        ("AAAA", "public_key is not an SPKI public key"),
    ):
        response = Client().post(
            ENROL, json.dumps({"code": code, "public_key": key}), content_type="application/json"
        )
        assert response.status_code == 422
        assert message in response.json()["detail"]
    assert _enrol(code).status_code == 200


def test_a_missing_field_is_named(demo):
    response = Client().post(ENROL, json.dumps({"code": "X"}), content_type="application/json")
    assert response.status_code == 422
    assert "public_key" in json.dumps(response.json())


def test_a_code_for_a_member_or_region_outside_the_sector_is_refused(member):
    client = logged_in("polsek-pesanggaran")
    page = _issue(client, member.nrp, "35.10.01")
    assert "no member with NRP" in page.content.decode()
    assert not EnrolmentCode.objects.exists()


def test_field_users_and_observers_may_not_manage_devices(demo):
    for username in ("petugas", "pemantau"):
        assert logged_in(username).get(PAGE).status_code == 403


def test_the_list_shows_devices_in_scope_with_last_sync_and_pending(phone):
    phone.get("/api/v1/field/duty", HTTP_X_KAWAL_PENDING="7")
    phone.device.refresh_from_db()
    assert phone.device.pending == 7 and phone.device.last_sync_at is not None
    html = logged_in(SECTOR_USER).get(PAGE).content.decode()
    assert f'data-device="{phone.id}"' in html and 'data-pending="7"' in html
    assert f'data-device="{phone.id}"' in logged_in("komandan").get(PAGE).content.decode()
    assert phone.id not in logged_in("polsek-pesanggaran").get(PAGE).content.decode()


def test_revoking_a_device_stops_it_at_once(phone):
    assert phone.get("/api/v1/field/duty").status_code == 200
    response = logged_in(SECTOR_USER).post(f"/field/devices/{phone.id}/revoke/")
    assert response.status_code == 302
    assert phone.get("/api/v1/field/duty").status_code == 401
    events = phone.post("/api/v1/custody/events", [])
    assert events.status_code == 401
    assert AuditEntry.objects.filter(action="field.revoke", target_id=phone.id).exists()


def test_a_sector_user_cannot_revoke_a_device_outside_their_district(phone):
    response = logged_in("polsek-pesanggaran").post(f"/field/devices/{phone.id}/revoke/")
    assert response.status_code == 404
    assert phone.get("/api/v1/field/duty").status_code == 200


def test_a_plain_token_is_not_a_device(demo):
    from tests.conftest import bearer

    response = Client().get("/api/v1/field/duty", **bearer("petugas"))
    assert response.status_code == 403
    assert "enrolled field device" in response.json()["detail"]


def test_a_sync_is_noted_when_the_queue_changes_and_otherwise_once_a_minute(phone):
    noted = timezone.now()
    devices.note_sync(phone.device, 3, noted)
    devices.note_sync(phone.device, 3, noted + timedelta(seconds=30))
    stored = Device.objects.get(pk=phone.id)
    assert (stored.last_sync_at, stored.pending) == (noted, 3)
    devices.note_sync(phone.device, 2, noted + timedelta(seconds=40))
    stored.refresh_from_db()
    assert (stored.last_sync_at, stored.pending) == (noted + timedelta(seconds=40), 2)
    devices.note_sync(phone.device, None, noted + timedelta(seconds=101))
    stored.refresh_from_db()
    assert (stored.last_sync_at, stored.pending) == (noted + timedelta(seconds=101), 2)

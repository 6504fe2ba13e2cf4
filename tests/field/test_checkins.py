"""Check-ins: idempotent per UUID, measured against the post, signed or refused as the
operation says, one transaction per batch and answered per item."""

from django.test import Client

from kawal.accounts.models import AuditEntry
from kawal.field.models import CheckIn
from kawal.operations.models import CustodyRules
from tests.conftest import bearer, logged_in
from tests.field.conftest import checkin

CHECKINS = "/api/v1/checkins"
# About 0.0045 degrees of latitude is 500 m.
FAR = 0.0045


def test_a_check_in_at_the_post_is_accepted_near_and_linked_to_the_assignment(phone, duty):
    sent = checkin(duty.tps_post.lat, duty.tps_post.lng, assignment=duty.assignment.pk)
    response = phone.post(CHECKINS, [sent])
    assert response.status_code == 200
    assert response.json() == {"results": [{"id": sent["id"], "status": "accepted"}]}
    stored = CheckIn.objects.get(pk=sent["id"])
    assert stored.member == phone.device.member and stored.device == phone.device
    assert (stored.post, stored.stage) == (duty.tps_post, "voting")
    assert stored.distance_m == 0 and stored.far is False and stored.signature == ""


def test_a_check_in_farther_than_the_operation_allows_is_flagged(phone, duty):
    sent = checkin(duty.tps_post.lat + FAR, duty.tps_post.lng, assignment=duty.assignment.pk)
    phone.post(CHECKINS, [sent])
    stored = CheckIn.objects.get(pk=sent["id"])
    assert 480 < stored.distance_m < 520 and stored.far is True


def test_the_distance_comes_from_the_operation(phone, duty, demo):
    CustodyRules.objects.filter(operation=demo).update(checkin_distance_m=1000)
    sent = checkin(duty.tps_post.lat + FAR, duty.tps_post.lng)
    phone.post(CHECKINS, [sent])
    assert CheckIn.objects.get(pk=sent["id"]).far is False


def test_without_an_assignment_the_post_of_the_running_stage_is_taken(phone, duty):
    sent = checkin(duty.tps_post.lat, duty.tps_post.lng)
    phone.post(CHECKINS, [sent])
    assert CheckIn.objects.get(pk=sent["id"]).assignment == duty.assignment


def test_a_resent_check_in_is_a_duplicate_and_stored_once(phone, duty):
    sent = checkin(duty.tps_post.lat, duty.tps_post.lng)
    phone.post(CHECKINS, [sent])
    response = phone.post(CHECKINS, [sent, sent])
    assert [r["status"] for r in response.json()["results"]] == ["duplicate", "duplicate"]
    assert CheckIn.objects.filter(pk=sent["id"]).count() == 1


def test_the_same_id_with_other_content_is_a_conflict(phone, duty):
    sent = checkin(duty.tps_post.lat, duty.tps_post.lng)
    phone.post(CHECKINS, [sent])
    [result] = phone.post(CHECKINS, [{**sent, "lat": sent["lat"] + 1}]).json()["results"]
    assert result["status"] == "rejected" and "conflict" in result["error"]


def test_bad_items_are_rejected_by_name_and_the_rest_of_the_batch_goes_on(phone, duty):
    good = checkin(duty.tps_post.lat, duty.tps_post.lng)
    bad = [
        ({**checkin(-8.0, 113.6), "lat": 91}, "lat must be a number from -11.5 to 6.5, within Indonesia"),
        ({**checkin(-8.0, 113.6), "lat": float("nan")}, "not finite"),
        ({**checkin(-8.0, 113.6), "lng": "east"}, "lng must be a number"),
        (checkin(0.0, 0.0), "lng must be a number from 94 to 141.5, within Indonesia"),
        ({**checkin(-8.0, 113.6), "lat": None}, "lat is required"),
        ({**checkin(-8.0, 113.6), "occurred_at": "2024-11-27T06:45:00"}, "has no UTC offset"),
        ({**checkin(-8.0, 113.6), "occurred_at": "yesterday"}, "occurred_at must be an ISO-8601 time"),
        ({**checkin(-8.0, 113.6), "id": "x"}, "id must be a UUID"),
        ({**checkin(-8.0, 113.6), "post": "P1"}, "unknown field post"),
        (checkin(-8.0, 113.6, assignment=duty.partner.pk * 1000), "is not yours in the approved plan"),
        ({**checkin(-8.0, 113.6), "occurred_at": "2099-01-01T00:00:00+07:00"}, "in the future"),
    ]
    results = phone.post(CHECKINS, [b for b, _ in bad] + [good]).json()["results"]
    for (_, reason), result in zip(bad, results, strict=False):
        assert result["status"] == "rejected" and reason in result["error"], result
    assert results[-1] == {"id": good["id"], "status": "accepted"}
    assert [str(i) for i in CheckIn.objects.values_list("id", flat=True)] == [good["id"]]
    assert AuditEntry.objects.filter(action="field.checkins", details__accepted=1).exists()


def test_a_signed_check_in_is_verified_and_stored_with_its_signature(phone, duty):
    sent = phone.signed(checkin(duty.tps_post.lat, duty.tps_post.lng))
    assert phone.post(CHECKINS, [sent]).json()["results"][0]["status"] == "accepted"
    assert CheckIn.objects.get(pk=sent["id"]).signature == sent["signature"]


def test_an_altered_or_forged_check_in_is_rejected_with_the_reason(phone, enrol, duty):
    altered = {**phone.signed(checkin(duty.tps_post.lat, duty.tps_post.lng)), "lat": 0}
    thief = enrol(duty.partner)
    forged = {**thief.signed(checkin(0, 0)), "device": phone.id}
    results = phone.post(CHECKINS, [altered, forged]).json()["results"]
    assert [r["status"] for r in results] == ["rejected", "rejected"]
    assert all("signature does not match the check-in" in r["error"] for r in results)


def test_a_check_in_signed_by_another_device_is_refused(phone, enrol, duty):
    other = enrol(duty.partner)
    [result] = phone.post(CHECKINS, [other.signed(checkin(0, 0))]).json()["results"]
    assert "is not the device sending this check-in" in result["error"]


def test_an_operation_requiring_signatures_rejects_unsigned_check_ins(phone, duty, demo):
    CustodyRules.objects.filter(operation=demo).update(require_signatures=True)
    unsigned = checkin(duty.tps_post.lat, duty.tps_post.lng)
    signed = phone.signed(checkin(duty.tps_post.lat, duty.tps_post.lng))
    results = phone.post(CHECKINS, [unsigned, signed]).json()["results"]
    assert results[0]["status"] == "rejected" and "requires signed" in results[0]["error"]
    assert results[1]["status"] == "accepted"


def test_a_body_that_is_not_an_array_is_refused_whole(phone, duty):
    for body, status, message in (
        ({"id": 1}, 422, "JSON array of check-ins"),
        ([checkin(0, 0), 3], 422, "check-in [1] must be a JSON object"),
    ):
        response = phone.post(CHECKINS, body)
        assert response.status_code == status and message in response.json()["detail"]
    raw = Client().post(CHECKINS, "[{", content_type="application/json", **phone.headers())
    assert raw.status_code == 400
    assert not CheckIn.objects.exists()


def test_only_an_enrolled_device_checks_in(duty):
    sent = [checkin(0, 0)]
    assert Client().post(CHECKINS, sent, content_type="application/json").status_code == 401
    plain = Client().post(CHECKINS, sent, content_type="application/json", **bearer("petugas"))
    assert plain.status_code == 403
    page = logged_in("komandan").post(CHECKINS, sent, content_type="application/json")
    assert page.status_code == 403


def test_a_revoked_device_can_no_longer_sync(phone, duty):
    from kawal.field import devices
    from tests.conftest import user

    devices.revoke(phone.device.pk, actor=user("komandan"))
    response = phone.post(CHECKINS, [checkin(duty.tps_post.lat, duty.tps_post.lng)])
    assert response.status_code == 401
    assert not CheckIn.objects.exists()

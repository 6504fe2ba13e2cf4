"""Photos upload apart from their record, in chunks, and resume where they stopped."""

import uuid

from django.test import Client

from kawal.field.models import Photo

JPEG = b"\xff\xd8\xff\xe0" + bytes(range(256)) * 40  # 10,244 bytes that start like a JPEG


def _put(phone, photo_id, chunk: bytes, start: int, total: int = len(JPEG), record=None):
    return Client().put(
        f"/api/v1/photos/{photo_id}?record={record or RECORD}&total={total}",
        chunk,
        content_type="image/jpeg",
        HTTP_CONTENT_RANGE=f"bytes {start}-{start + len(chunk) - 1}/{total}",
        **phone.headers(),
    )


RECORD = str(uuid.uuid4())


def test_a_photo_arrives_in_chunks_and_is_complete_at_the_last(phone):
    photo_id = uuid.uuid4()
    first = _put(phone, photo_id, JPEG[:4000], 0)
    assert first.status_code == 200
    assert first.json() == {"received": 4000, "total": len(JPEG), "complete": False}
    last = _put(phone, photo_id, JPEG[4000:], 4000)
    assert last.json() == {"received": len(JPEG), "total": len(JPEG), "complete": True}
    stored = Photo.objects.get(pk=photo_id)
    assert bytes(stored.content) == JPEG and str(stored.record_id) == RECORD


def test_an_interrupted_upload_resumes_from_what_the_server_holds(phone):
    photo_id = uuid.uuid4()
    _put(phone, photo_id, JPEG[:4000], 0)
    status = phone.get(f"/api/v1/photos/{photo_id}").json()
    assert status == {"received": 4000, "total": len(JPEG), "complete": False}
    skipped = _put(phone, photo_id, JPEG[6000:], 6000)
    assert skipped.status_code == 409 and skipped.json()["received"] == 4000
    resent = _put(phone, photo_id, JPEG[:4000], 0)
    assert resent.status_code == 409 and resent.json()["received"] == 4000
    assert _put(phone, photo_id, JPEG[4000:], 4000).json()["complete"] is True


def test_a_photo_larger_than_400_kb_is_refused(phone):
    response = _put(phone, uuid.uuid4(), JPEG[:100], 0, total=401 * 1024)
    assert response.status_code == 413
    assert "400 KB" in response.json()["detail"]


def test_bad_chunks_are_refused_by_what_is_wrong(phone):
    photo_id = uuid.uuid4()
    for response, message in (
        (_put(phone, photo_id, b"GIF89a" + JPEG[6:100], 0), "must be a JPEG"),
        (_put(phone, photo_id, JPEG[:100], 0, record="nope"), "record must be the UUID"),
        (
            Client().put(
                f"/api/v1/photos/{photo_id}?record={RECORD}&total={len(JPEG)}", JPEG[:100],
                content_type="image/jpeg", HTTP_CONTENT_RANGE="bytes 0-49/10244",
                **phone.headers(),
            ),
            "covers 50 bytes but the body holds 100",
        ),
    ):  # fmt: skip
        assert response.status_code == 422 and message in response.json()["detail"]
    assert not Photo.objects.exists()


def test_another_device_cannot_see_or_extend_a_photo(phone, enrol, duty):
    photo_id = uuid.uuid4()
    _put(phone, photo_id, JPEG[:4000], 0)
    other = enrol(duty.partner)
    assert other.get(f"/api/v1/photos/{photo_id}").status_code == 404
    assert _put(other, photo_id, JPEG[4000:], 4000).status_code == 404


def test_staff_over_the_area_see_a_records_photo_on_its_timeline_and_observers_never(
    phone, route_in_duty
):
    from tests.conftest import logged_in
    from tests.custody.conftest import journey

    event = journey(route_in_duty)[0]
    photo_id = uuid.uuid4()
    _put(phone, photo_id, JPEG, 0, record=event["id"])
    phone.post("/api/v1/custody/events", [event])
    url = f"/api/v1/custody/boxes/{route_in_duty.box}"
    assert logged_in("komandan").get(url).json()["events"][0]["photos"] == [str(photo_id)]
    assert "photos" not in logged_in("pemantau").get(url).json()["events"][0]
    page = logged_in("polsek-banyuwangi").get(f"/boxes/{route_in_duty.box}/").content.decode()
    assert f'data-photo="{photo_id}"' in page
    image = logged_in("polsek-banyuwangi").get(f"/field/photos/{photo_id}.jpg")
    assert image.status_code == 200 and image["Content-Type"] == "image/jpeg"
    assert b"".join(image) == JPEG
    assert logged_in("pemantau").get(f"/field/photos/{photo_id}.jpg").status_code == 403
    assert logged_in("polsek-pesanggaran").get(f"/field/photos/{photo_id}.jpg").status_code == 404


def test_an_unfinished_photo_is_not_shown(phone):
    from tests.conftest import logged_in

    photo_id = uuid.uuid4()
    _put(phone, photo_id, JPEG[:4000], 0)
    assert logged_in("komandan").get(f"/field/photos/{photo_id}.jpg").status_code == 404

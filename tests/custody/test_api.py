"""The custody API: every status and error a device or a command-center page relies on."""

import json

from django.test import Client

from kawal.custody import ledger
from kawal.custody.models import Alert, CustodyEvent
from tests.conftest import bearer, logged_in, user
from tests.custody.conftest import journey, tamper

EVENTS = "/api/v1/custody/events"


def _post(body, username="officer", raw=False):
    data = body if raw else json.dumps(body)
    return Client().post(EVENTS, data, content_type="application/json", **bearer(username))


def test_a_device_batch_gets_a_result_per_event_in_input_order(route):
    events = journey(route)[:3]
    response = _post(events)
    assert response.status_code == 200
    assert response.json() == {"results": [{"id": e["id"], "status": "accepted"} for e in events]}


def test_a_retried_batch_is_answered_with_duplicates(route):
    events = journey(route)[:3]
    _post(events)
    response = _post(events)
    assert [r["status"] for r in response.json()["results"]] == ["duplicate"] * 3
    assert CustodyEvent.objects.filter(box__code=route.box).count() == 3


def test_a_rejected_event_carries_its_error(route):
    bad = {**journey(route)[0], "occurred_at": "2024-11-23T08:00:00"}
    [result] = _post([bad]).json()["results"]
    assert result["status"] == "rejected"
    assert "occurred_at has no UTC offset" in result["error"]


def test_a_body_that_is_not_json_is_a_400_and_stores_nothing(route):
    response = _post('[{"id": ', raw=True)
    assert response.status_code == 400
    assert "not JSON" in response.json()["detail"]


def test_a_body_that_is_not_an_array_of_objects_is_refused_whole_and_stores_nothing(route):
    first = journey(route)[0]
    for body, status, message in (
        ({"events": [first]}, 422, "must be a JSON array"),
        ([first, 7], 422, "event [1] must be a JSON object"),
        ([first] * 1001, 413, "at most 1000 events"),
    ):
        response = _post(body)
        assert response.status_code == status
        assert message in response.json()["detail"]
    assert not CustodyEvent.objects.filter(box__code=route.box).exists()


def test_an_observer_may_not_post_events(route):
    response = _post(journey(route)[:1], username="observer")
    assert response.status_code == 403
    assert not CustodyEvent.objects.filter(box__code=route.box).exists()


def test_posting_without_credentials_is_refused(route):
    response = Client().post(
        EVENTS, json.dumps(journey(route)[:1]), content_type="application/json"
    )
    assert response.status_code == 401


def test_the_box_api_gives_state_timeline_and_verification(route):
    ledger.ingest(user("officer"), journey(route)[:9])
    response = Client().get(f"/api/v1/custody/boxes/{route.box}", **bearer("commander"))
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "sealed"
    assert body["verified"] is True
    assert [e["seq"] for e in body["events"]] == list(range(1, 10))
    departed = body["events"][0]
    assert departed["escort_counts"] == {"polri": 1, "tni": 1}
    assert {e["nrp"] for e in departed["escorts"]} == {route.polri, route.tni}
    assert departed["recorded_by"] == "officer"
    assert "TPS 001" in body["label"]


def test_each_event_stores_the_token_that_sent_it_and_command_and_sector_see_it(route):
    from kawal.accounts.models import ApiToken

    sent = _post(journey(route)[:2])  # with a token of the officer's
    assert sent.status_code == 200
    ledger.ingest(user("officer"), journey(route)[2:3])  # as a logged-in page would: no token
    token = ApiToken.objects.filter(user__username="officer").get()
    stored = list(CustodyEvent.objects.filter(box__code=route.box).order_by("seq"))
    assert [e.sent_with_id for e in stored] == [token.pk, token.pk, None]
    for reader in ("commander", "polsek-barat"):
        body = Client().get(f"/api/v1/custody/boxes/{route.box}", **bearer(reader)).json()
        shown = [e.get("sent_with") for e in body["events"]]
        assert shown == [f"{token.prefix}… officer"] * 2 + [None], reader
        page = logged_in(reader).get(f"/boxes/{route.box}/")
        assert page.content.decode().count(f"{token.prefix}… officer") == 2
    observer = Client().get(f"/api/v1/custody/boxes/{route.box}", **bearer("observer"))
    assert token.prefix not in observer.content.decode()
    assert token.prefix not in logged_in("observer").get(f"/boxes/{route.box}/").content.decode()


def test_an_observer_sees_escorts_only_as_counts_with_no_nrp_and_no_name(route):
    ledger.ingest(user("officer"), journey(route))
    response = Client().get(f"/api/v1/custody/boxes/{route.box}", **bearer("observer"))
    assert response.status_code == 200
    body = response.json()
    assert body["events"][0]["escort_counts"] == {"polri": 1, "tni": 1}
    assert all("escorts" not in e and "recorded_by" not in e for e in body["events"])
    from kawal.personnel.models import Member

    text = response.content.decode()
    for member in Member.objects.filter(nrp__in=[route.polri, route.tni]):
        assert member.nrp not in text
        assert member.name not in text
    assert "officer" not in text


def test_a_box_outside_scope_is_forbidden_and_an_unknown_box_not_found(route):
    outside = Client().get(f"/api/v1/custody/boxes/{route.box}", **bearer("polsek-timur"))
    assert outside.status_code == 403
    missing = Client().get("/api/v1/custody/boxes/35.09.01.2001-999-BUP", **bearer("commander"))
    assert missing.status_code == 404


def test_the_verify_api_reports_a_clean_ledger(route):
    ledger.ingest(user("officer"), journey(route))
    body = Client().get("/api/v1/custody/verify", **bearer("commander")).json()
    assert body["ok"] is True
    assert body["events"] >= 15
    assert body["broken"] == []


def test_the_verify_api_names_a_broken_link(route):
    ledger.ingest(user("officer"), journey(route))
    seq3 = CustodyEvent.objects.get(box__code=route.box, seq=3)
    tamper(route, 3, "UPDATE custody_custodyevent SET document = 'BA-X'")
    body = Client().get("/api/v1/custody/verify", **bearer("administrator")).json()
    assert body["ok"] is False
    assert body["broken"] == [
        {
            "box": route.box,
            "seq": 3,
            "event": str(seq3.id),
            "problem": "content does not match its hash",
        }
    ]


def _raise_alert(route):
    unescorted = {**journey(route)[0], "escorts": []}
    ledger.ingest(user("officer"), [unescorted])
    return Alert.objects.get(box__code=route.box)


def test_the_alerts_api_filters_by_region_box_and_status(route):
    alert = _raise_alert(route)
    client = Client()
    for query in (f"region={route.district}", f"box={route.box}", "status=open"):
        found = client.get(f"/api/v1/alerts?{query}", **bearer("commander")).json()
        assert {
            "id": alert.pk,
            "box": route.box,
            "rule": "escort",
            "severity": "critical",
            "status": "open",
        }.items() <= found[0].items()
    assert client.get("/api/v1/alerts?status=resolved", **bearer("commander")).json() == []
    assert client.get("/api/v1/alerts?status=closed", **bearer("commander")).status_code == 422


def test_the_alerts_api_answers_only_within_scope(route):
    _raise_alert(route)
    client = Client()
    assert client.get("/api/v1/alerts", **bearer("polsek-timur")).json() == []
    assert (
        client.get(
            f"/api/v1/alerts?region={route.district}", **bearer("polsek-timur")
        ).status_code
        == 403
    )


def test_command_staff_acknowledge_then_resolve_an_alert_with_notes_that_are_audited(route):
    from kawal.accounts.models import AuditEntry

    alert = _raise_alert(route)
    client = logged_in("commander")
    ack = client.post(
        f"/api/v1/alerts/{alert.pk}/acknowledge",
        json.dumps({"note": "Kapolsek called"}),
        content_type="application/json",
    )
    assert ack.status_code == 200
    assert ack.json()["status"] == "acknowledged"
    done = client.post(
        f"/api/v1/alerts/{alert.pk}/resolve",
        json.dumps({"note": "escort joined at the PPK"}),
        content_type="application/json",
    )
    assert done.json()["status"] == "resolved"
    assert "Kapolsek called" in done.json()["note"] and "escort joined" in done.json()["note"]
    actions = set(
        AuditEntry.objects.filter(target_id=str(alert.pk), target_type="custody.Alert").values_list(
            "action", flat=True
        )
    )
    assert {"alert.acknowledged", "alert.resolved"} <= actions
    again = client.post(
        f"/api/v1/alerts/{alert.pk}/acknowledge",
        json.dumps({"note": "x"}),
        content_type="application/json",
    )
    assert again.status_code == 422


def test_observers_and_field_officers_cannot_handle_alerts_and_notes_are_required(route):
    alert = _raise_alert(route)
    url = f"/api/v1/alerts/{alert.pk}/acknowledge"
    for username in ("observer", "officer"):
        response = Client().post(
            url, json.dumps({"note": "seen"}), content_type="application/json", **bearer(username)
        )
        assert response.status_code == 403
    blank = Client().post(
        url, json.dumps({"note": " "}), content_type="application/json", **bearer("commander")
    )
    assert blank.status_code == 422
    elsewhere = Client().post(
        url,
        json.dumps({"note": "x"}),
        content_type="application/json",
        **bearer("polsek-timur"),
    )
    assert elsewhere.status_code == 404


def test_the_status_api_counts_the_open_alerts_the_ledger_raised(route):
    def open_alerts():
        body = Client().get(f"/api/v1/status?region={route.district}", **bearer("commander")).json()
        return body["region"]["totals"]["open_alerts"]

    before = open_alerts()
    alert = _raise_alert(route)
    assert open_alerts() == before + 1
    logged_in("commander").post(
        f"/api/v1/alerts/{alert.pk}/resolve",
        json.dumps({"note": "escort confirmed by radio"}),
        content_type="application/json",
    )
    assert open_alerts() == before

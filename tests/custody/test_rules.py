"""Each custody rule, firing and not firing: through the ledger, and at query time."""

import json
import uuid
from datetime import datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client

from kawal.custody import alerts, judging, ledger, rules
from kawal.custody.models import Alert, Box
from kawal.operations.models import CustodyRules, Operation
from tests.conftest import bearer, user
from tests.custody.conftest import START, WIB, event, journey
from tests.factories import OTHER


def _raised(route, events) -> list[tuple[str, str]]:
    results = ledger.ingest(user("officer"), events)
    assert {r["status"] for r in results} == {"accepted"}, results
    return list(
        Alert.objects.filter(box__code=route.box).order_by("id").values_list("rule", "severity")
    )


def test_an_operations_custody_rules_start_from_the_defaults(route, small):
    defaults = CustodyRules.objects.get(operation=small.operation)
    assert (defaults.require_joint_escort, defaults.max_distance_km) == (False, 2.0)
    assert defaults.legs_for(route.box)["kpu_ppk"] == 8


def test_a_whole_escorted_journey_raises_no_alert(route):
    assert _raised(route, journey(route)) == []


def test_a_departure_without_a_polri_escort_is_critical(route):
    first = {**journey(route)[0], "escorts": [route.tni]}
    assert _raised(route, [first]) == [("escort", "critical")]


def test_a_polri_escort_is_enough_where_joint_escort_is_not_required(route):
    first = {**journey(route)[0], "escorts": [route.polri]}
    assert _raised(route, [first]) == []


def test_joint_escort_needs_tni_too_where_the_operation_requires_it(route, small):
    CustodyRules.objects.filter(operation=small.operation).update(require_joint_escort=True)
    first = {**journey(route)[0], "escorts": [route.polri]}
    assert _raised(route, [first]) == [("escort", "warning")]


def test_a_joint_escort_satisfies_the_joint_rule(route, small):
    CustodyRules.objects.filter(operation=small.operation).update(require_joint_escort=True)
    assert _raised(route, journey(route)[:1]) == []


def test_seals_at_arrival_that_differ_from_sealing_are_critical(route):
    events = journey(route)[:11]
    events[10] = {**events[10], "seals": ["KPU-0001", "KPU-9999"]}
    assert _raised(route, events) == [("seal_mismatch", "critical")]
    params = Alert.objects.get(box__code=route.box).params
    assert params == {"missing": ["KPU-0002"], "unknown": ["KPU-9999"]}


def test_a_seal_check_with_the_sealed_seals_raises_nothing(route):
    events = journey(route)[:9]
    check = event(
        route,
        "seal_checked",
        START + timedelta(hours=17),
        route.tps,
        seals=["KPU-0002", "KPU-0001"],
    )
    assert _raised(route, [*events, check]) == []


def test_a_seal_check_with_no_seals_after_sealing_is_critical(route):
    events = journey(route)[:9]
    check = event(route, "seal_checked", START + timedelta(hours=17), route.tps)
    assert _raised(route, [*events, check]) == [("seal_mismatch", "critical")]


def test_an_arrival_that_skips_the_ppk_is_a_skipped_leg(route):
    events = journey(route)
    skipped = [events[0], {**events[3], "occurred_at": (START + timedelta(hours=3)).isoformat()}]
    assert _raised(route, skipped) == [("skipped_leg", "warning")]
    assert Alert.objects.get(box__code=route.box).params == {"level": "pps", "skipped": "ppk"}


def test_the_rules_are_those_of_the_newest_operation_covering_the_box(route, small):
    district_operation = Operation.objects.create(
        code="pengamanan-kota",
        name="Pengamanan Kota",
        region_id=route.district,
        starts_at=small.operation.starts_at + timedelta(days=1),
        ends_at=small.operation.ends_at,
    )
    CustodyRules.objects.create(operation=district_operation, require_joint_escort=True)
    first = {**journey(route)[0], "escorts": [route.polri]}
    assert _raised(route, [first]) == [("escort", "warning")]
    elsewhere = small.boxes_in(OTHER)[0]
    assert judging.rules_for([elsewhere.code])[elsewhere.code][1].operation == small.operation


def test_opening_a_box_that_never_reached_the_tps_is_a_skipped_leg(route):
    opened = event(route, "opened", START, route.tps)
    assert _raised(route, [opened]) == [("skipped_leg", "warning")]


def test_an_event_far_from_its_tps_is_flagged(route):
    lat, lng = route.tps_point
    far = event(route, "opened", START, route.tps, lat=lat + 0.1, lng=lng)  # about 11 km
    ledger.ingest(user("officer"), journey(route)[:7])
    found = _raised(route, [{**far, "occurred_at": (START + timedelta(hours=13)).isoformat()}])
    assert found == [("place", "warning")]
    params = Alert.objects.get(box__code=route.box).params
    assert params["place"] == route.tps and params["km"] > 10 and params["allowed"] == 2.0


def test_an_event_at_its_tps_is_not_flagged(route):
    lat, lng = route.tps_point
    near = event(route, "note", START, route.tps, lat=lat + 0.005, lng=lng)  # about 0.6 km
    assert _raised(route, [near]) == []


def test_an_event_off_the_boxs_route_is_flagged(route):
    elsewhere = event(route, "note", START, OTHER)
    assert _raised(route, [elsewhere]) == [("place", "warning")]


def test_the_distance_limit_is_set_per_operation(route, small):
    CustodyRules.objects.filter(operation=small.operation).update(max_distance_km=20)
    lat, lng = route.tps_point
    far = event(route, "note", START, route.tps, lat=lat + 0.1, lng=lng)
    assert _raised(route, [far]) == []


def _computed(route, now):
    return [
        (a.rule, a.severity)
        for a in alerts.listing(user("commander"), box=route.box, now=now)
        if a.id is None
    ]


def test_a_box_in_transit_past_its_leg_is_overdue_when_asked(route):
    ledger.ingest(user("officer"), journey(route)[:1])  # KPU -> PPK: 8 hours by default
    assert _computed(route, START + timedelta(hours=7)) == []
    assert _computed(route, START + timedelta(hours=9)) == [("overdue", "warning")]


def test_an_arrived_box_is_not_overdue(route):
    ledger.ingest(user("officer"), journey(route)[:2])
    assert _computed(route, START + timedelta(hours=30)) == []


def test_a_remote_village_gets_its_own_leg_time(route, small):
    CustodyRules.objects.filter(operation=small.operation).update(
        region_leg_hours={route.village: {"kpu_ppk": 24}}
    )
    ledger.ingest(user("officer"), journey(route)[:1])
    assert _computed(route, START + timedelta(hours=9)) == []
    assert _computed(route, START + timedelta(hours=25)) == [("overdue", "warning")]


AFTER_VOTING = datetime(2024, 11, 28, 1, 0, tzinfo=WIB)  # the voting stage ends 28 Nov 00:00


def test_a_box_not_sealed_by_the_end_of_the_voting_stage_is_critical(route):
    ledger.ingest(user("officer"), journey(route)[:8])  # opened, never sealed
    assert _computed(route, AFTER_VOTING - timedelta(hours=2)) == []
    assert _computed(route, AFTER_VOTING) == [("not_sealed", "critical")]


def test_a_sealed_box_is_not_flagged_after_the_deadline(route):
    ledger.ingest(user("officer"), journey(route)[:9])
    assert ("not_sealed", "critical") not in _computed(route, AFTER_VOTING)


def test_the_sealing_deadline_can_be_set_per_operation(route, small):
    CustodyRules.objects.filter(operation=small.operation).update(seal_by=AFTER_VOTING + timedelta(days=1))
    ledger.ingest(user("officer"), journey(route)[:8])
    assert _computed(route, AFTER_VOTING) == []


def test_clock_rules_stay_quiet_once_the_operation_is_over(route):
    ledger.ingest(user("officer"), journey(route)[:1])
    assert _computed(route, datetime(2025, 6, 1, tzinfo=WIB)) == []


@pytest.mark.parametrize(
    ("a", "b", "km"),
    [((-8.2, 114.3), (-8.2, 114.3), 0.0), ((-8.0, 114.0), (-9.0, 114.0), 111.2)],
)
def test_distances_are_great_circle_km(a, b, km):
    assert rules.km_between(a, b) == pytest.approx(km, abs=0.1)


def test_a_skipped_leg_lapses_when_the_missing_event_arrives_late(route):
    events = journey(route)
    ledger.ingest(user("officer"), events[:6])
    ledger.ingest(user("officer"), [events[7]])  # opened, before its arrival at the TPS
    alert = Alert.objects.get(box__code=route.box)
    assert (alert.rule, alert.status) == ("skipped_leg", "open")
    ledger.ingest(user("officer"), [events[6]])  # the arrival, synced late
    alert.refresh_from_db()
    assert alert.status == "lapsed"
    assert "late events" in alert.note
    assert alert.handled_by is None
    assert Alert.objects.filter(box__code=route.box).count() == 1


def test_a_person_can_still_resolve_a_lapsed_alert(route):
    events = journey(route)
    ledger.ingest(user("officer"), [*events[:6], events[7]])
    ledger.ingest(user("officer"), [events[6]])
    alert = Alert.objects.get(box__code=route.box)
    alerts.handle(user("commander"), alert.pk, "resolved", "arrival synced late, checked")
    alert.refresh_from_db()
    assert alert.status == "resolved"
    assert "late events" in alert.note and "checked" in alert.note


def _mismatch_at_pps(route) -> tuple[list[dict], Alert]:
    """The box sealed, then arriving at the PPS with a seal that is not one recorded."""
    events = journey(route)[:11]
    events[10] = {**events[10], "seals": ["KPU-0001", "FORGED-9"]}
    ledger.ingest(user("officer"), events)
    return events, Alert.objects.get(box__code=route.box, rule="seal_mismatch")


def test_a_late_event_never_lapses_a_critical_alert(route):
    _, mismatch = _mismatch_at_pps(route)
    resealed = event(
        route, "sealed", START + timedelta(hours=17), route.tps, seals=["KPU-0001", "FORGED-9"]
    )
    ledger.ingest(user("officer"), [resealed])  # the forged seal, "sealed" after the fact
    mismatch.refresh_from_db()
    assert mismatch.status == "open"


def test_a_field_users_correction_leaves_a_critical_alert_standing_and_raises_a_correction_alert(
    route,
):
    unescorted = {**journey(route)[0], "escorts": []}
    ledger.ingest(user("officer"), [unescorted])
    fix = event(
        route,
        "correction",
        START + timedelta(minutes=5),
        route.regency,
        corrects=unescorted["id"],
        note="escorts were not entered",
    )
    ledger.ingest(user("officer"), [fix])
    escort = Alert.objects.get(box__code=route.box, rule="escort")
    assert (escort.status, escort.note) == ("open", "")
    raised = Alert.objects.get(box__code=route.box, rule="correction")
    assert (raised.severity, raised.status, str(raised.event_id)) == ("critical", "open", fix["id"])
    assert raised.params == {
        "kind": "departed", "event": unescorted["id"], "note": "escorts were not entered"
    }
    assert "escorts were not entered" in raised.message


def test_a_correction_of_an_event_without_alerts_raises_a_warning(route):
    first = journey(route)[0]
    ledger.ingest(user("officer"), [first])
    fix = event(
        route, "correction", START + timedelta(minutes=5), route.regency,
        corrects=first["id"], note="departed from the wrong warehouse",
    )  # fmt: skip
    assert _raised(route, [fix]) == [("correction", "warning")]


def test_a_correction_and_a_new_arrival_with_the_right_seals_leave_the_seal_mismatch_open(route):
    events, mismatch = _mismatch_at_pps(route)
    fix = event(
        route, "correction", START + timedelta(hours=21), route.village,
        corrects=events[10]["id"], note="seals misread",
    )  # fmt: skip
    again = {**events[10], "id": str(uuid.uuid4()), "seals": ["KPU-0001", "KPU-0002"]}
    response = Client().post(
        "/api/v1/custody/events", json.dumps([fix, again]),
        content_type="application/json", **bearer("officer"),
    )  # fmt: skip
    assert [r["status"] for r in response.json()["results"]] == ["accepted", "accepted"]
    mismatch.refresh_from_db()
    assert mismatch.status == "open"
    raised = Alert.objects.get(box__code=route.box, rule="correction")
    assert raised.severity == "critical" and "seals misread" in raised.message
    assert Box.objects.get(code=route.box).state == Box.State.RETURNING


def test_a_field_user_cannot_acknowledge_or_resolve_an_alert(route):
    _, mismatch = _mismatch_at_pps(route)
    for to in ("acknowledged", "resolved"):
        with pytest.raises(PermissionDenied):
            alerts.handle(user("officer"), mismatch.pk, to, "all fine")
    mismatch.refresh_from_db()
    assert mismatch.status == "open"


def test_a_late_sealing_event_checks_the_seals_recorded_after_it(route):
    events = journey(route)
    events[10] = {**events[10], "seals": ["KPU-0001", "FORGED-9"]}
    ledger.ingest(user("officer"), [*events[:8], events[9], events[10]])  # sealing not synced
    assert not Alert.objects.filter(box__code=route.box, rule="seal_mismatch").exists()
    ledger.ingest(user("officer"), [events[8]])
    mismatch = Alert.objects.get(box__code=route.box, rule="seal_mismatch")
    assert str(mismatch.event_id) == events[10]["id"]
    assert mismatch.severity == "critical"
    assert Box.objects.get(code=route.box).state == Box.State.RETURNING


def test_only_escorts_of_departures_handovers_and_arrivals_are_held_to_an_approved_plan():
    box, planned = "35.10.01.2001-001-BUP", frozenset({"75012827"})
    assert rules.in_plan("departed", box, ["75012827"], planned) == []
    [found] = rules.in_plan("arrived", box, ["75012827", "80010001"], planned)
    assert (found.rule, found.severity, found.params) == (
        "escort_not_in_plan", "warning", {"nrp": "80010001", "box": box},
    )  # fmt: skip
    assert len(rules.in_plan("handed_over", box, ["1", "2"], planned)) == 2
    assert rules.in_plan("sealed", box, ["80010001"], planned) == []
    assert rules.in_plan("departed", box, ["80010001"], None) == []  # no approved plan


def test_a_move_without_gps_is_flagged_low_only_where_the_operation_asks():
    asks, not_asked = rules.Config(require_gps=True), rules.Config()
    for kind in ("departed", "arrived"):
        [found] = rules.gps(kind, None, asks)
        assert (found.rule, found.severity) == ("missing_gps", "info")
        assert rules.gps(kind, (-8.2, 114.3), asks) == []
        assert rules.gps(kind, None, not_asked) == []
    assert rules.gps("handed_over", None, asks) == rules.gps("sealed", None, asks) == []

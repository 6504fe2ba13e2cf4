"""Escorts held to the approved deployment plan, GPS on departures and arrivals, and NRPs
refused without saying whether they exist elsewhere."""

import json
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kawal.custody import ledger, planned
from kawal.custody.models import Alert, Box, CustodyEvent
from kawal.operations.models import CustodyRules
from kawal.personnel.models import Force, Member, Unit
from kawal.planning.models import Assignment, Plan, Post, PostTPS
from kawal.territory.models import Region
from tests.conftest import bearer, logged_in, user
from tests.custody.conftest import START, Route, event, journey, route_of
from tests.factories import HOME, Small

NOT_IN_PLAN, NO_GPS = Alert.Rule.ESCORT_NOT_IN_PLAN, Alert.Rule.MISSING_GPS


def _post(plan: Plan, code: str, kind: str, stage: str, **fields) -> Post:
    return Post.objects.create(
        plan=plan, code=code, kind=kind, stage=stage, name=code, district_id=HOME,
        lat=-8.0, lng=113.65, **fields,
    )  # fmt: skip


def _assign(plan: Plan, post: Post, member: Member) -> None:
    Assignment.objects.create(
        plan=plan, post=post, member=member, stage=post.stage, force=member.force, travel_km=1
    )


@pytest.fixture
def plan(small: Small, route: Route) -> Plan:
    """An approved plan: the route's Polri officer guards its TPS, its TNI soldier escorts
    its village from the PPK, and another Polri officer escorts the district's other village."""
    plan = Plan.objects.create(operation=small.operation, version=1, status=Plan.Status.APPROVED)
    polri, tni = Member.objects.get(nrp=route.polri), Member.objects.get(nrp=route.tni)
    tps_post = _post(plan, f"{HOME}-P001", Post.Kind.TPS, "voting")
    PostTPS.objects.create(post=tps_post, tps=Box.objects.get(code=route.box).tps)
    _assign(plan, tps_post, polri)
    village = _post(plan, f"{route.village}-KAWAL-PPK-PPS", Post.Kind.ESCORT, "distribution",
                    route=[{"from": HOME, "to": route.village, "km": 3.0}])  # fmt: skip
    _assign(plan, village, tni)
    other = next(v for v in small.villages if v.parent_id == HOME and v.code != route.village)
    elsewhere = _post(plan, f"{other.code}-KAWAL-PPK-PPS", Post.Kind.ESCORT, "distribution",
                      route=[{"from": HOME, "to": other.code, "km": 3.0}])  # fmt: skip
    _assign(plan, elsewhere, _unplanned(small, route))
    return plan


def _unplanned(small: Small, route: Route) -> Member:
    return next(m for m in small.members(Force.POLRI, HOME) if m.nrp != route.polri)


def _departure(route: Route, escorts: list[str], gps: bool = True, kind: str = "departed") -> dict:
    where = {"lat": route.village_point[0], "lng": route.village_point[1]} if gps else {}
    return event(route, kind, START, route.district, escorts=escorts, **where)


def _alerts(route: Route, rule: str) -> list[Alert]:
    return list(Alert.objects.filter(box__code=route.box, rule=rule))


def test_escorts_the_plan_puts_on_the_box_raise_no_alert(route, plan):
    results = ledger.ingest(user("officer"), journey(route))
    assert {r["status"] for r in results} == {"accepted"}
    assert _alerts(route, NOT_IN_PLAN) == []


def test_an_escort_the_plan_puts_elsewhere_raises_one_warning_naming_the_nrp_and_box(
    route, plan, small
):
    stranger = _unplanned(small, route).nrp
    [result] = ledger.ingest(user("officer"), [_departure(route, [route.polri, stranger])])
    assert result["status"] == "accepted"
    [alert] = _alerts(route, NOT_IN_PLAN)
    assert alert.severity == Alert.Severity.WARNING
    assert alert.params == {"nrp": stranger, "box": route.box}
    assert stranger in alert.message and route.box in alert.message


def test_a_handover_and_an_arrival_are_held_to_the_plan_too(route, plan, small):
    stranger = _unplanned(small, route).nrp
    ledger.ingest(user("officer"), journey(route)[:2])
    handover = event(route, "handed_over", START + timedelta(hours=3), route.district,
                     escorts=[stranger], from_party="PPK", to_party="PPS")  # fmt: skip
    arrival = event(route, "arrived", START + timedelta(hours=4), route.village, escorts=[stranger],
                    lat=route.village_point[0], lng=route.village_point[1])  # fmt: skip
    ledger.ingest(user("officer"), [handover, arrival])
    assert sorted(a.event_id.hex for a in _alerts(route, NOT_IN_PLAN)) == sorted(
        e["id"].replace("-", "") for e in (handover, arrival)
    )


def test_without_an_approved_plan_no_escort_is_held_to_one(route, plan, small):
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.DRAFT)
    stranger = _unplanned(small, route).nrp
    [result] = ledger.ingest(user("officer"), [_departure(route, [route.polri, stranger])])
    assert result["status"] == "accepted"
    assert _alerts(route, NOT_IN_PLAN) == []


def test_the_plan_is_read_once_however_many_boxes_and_escorts_the_batch_holds(
    route, plan, small, monkeypatch
):
    monkeypatch.setattr(ledger, "DRAFT_FROM", 1)  # both worked out before the transaction
    boxes = small.boxes_in(HOME)
    stranger = _unplanned(small, route).nrp

    def batch(bs):
        return [_departure(route_of(b, route.polri, route.tni), [route.polri, stranger])
                for b in bs]  # fmt: skip

    with CaptureQueriesContext(connection) as two:
        ledger.ingest(user("officer"), batch(boxes[:2]))
    with CaptureQueriesContext(connection) as all_of_them:
        ledger.ingest(user("officer"), batch(boxes[2:]))
    assert len(boxes) >= 10 and len(all_of_them) == len(two)
    plan_reads = [q for q in all_of_them.captured_queries if "planning_assignment" in q["sql"]]
    assert len(plan_reads) == 1
    flagged = {(a.box.code, a.params["nrp"]) for a in Alert.objects.filter(rule=NOT_IN_PLAN)}
    # The stranger escorts the other village's boxes by plan; the officer guards one TPS.
    assert flagged == {
        *((b.code, stranger) for b in boxes if b.code.startswith(route.village + "-")),
        *((b.code, route.polri) for b in boxes if not b.code.startswith(route.tps + "-")),
    }


def test_a_departure_without_gps_raises_a_low_alert_where_the_operation_asks(route):
    ledger.ingest(user("officer"), [_departure(route, [route.polri], gps=False)])
    [alert] = _alerts(route, NO_GPS)
    assert alert.severity == Alert.Severity.INFO
    assert alert.params == {"kind": "departed"}


def test_an_arrival_without_gps_raises_one_too_and_a_sealing_none(route):
    ledger.ingest(user("officer"), journey(route)[:1])
    arrival = event(route, "arrived", START + timedelta(hours=2), route.district)
    note = event(route, "note", START + timedelta(hours=3), route.district, note="hujan")
    ledger.ingest(user("officer"), [arrival, note])
    assert [a.event_id.hex for a in _alerts(route, NO_GPS)] == [arrival["id"].replace("-", "")]


def test_no_gps_alert_where_the_operation_doesnt_ask(route, small):
    CustodyRules.objects.filter(operation=small.operation).update(require_gps=False)
    ledger.ingest(user("officer"), [_departure(route, [route.polri], gps=False)])
    assert _alerts(route, NO_GPS) == []


def test_a_departure_with_gps_raises_none(route):
    ledger.ingest(user("officer"), [_departure(route, [route.polri])])
    assert _alerts(route, NO_GPS) == []


def _member_elsewhere() -> Member:
    """A Polri officer of another regency, where no operation of the officer's runs."""
    Region.objects.create(code="35.08", name="Kabupaten Lain", level=Region.Level.KABUPATEN,
                          lat=-8.1, lng=113.2)  # fmt: skip
    unit = Unit.objects.create(code="polres-lain", name="Polres Lain", force=Force.POLRI,
                               kind=Unit.Kind.POLRES_HQ, region_id="35.08")  # fmt: skip
    return Member.objects.create(nrp="60089999", name="Anggota Lain", rank="Bripka",
                                 force=Force.POLRI, unit=unit, region_id="35.08")  # fmt: skip


def _refusal(route: Route, nrp: str) -> dict:
    body = [_departure(route, [route.polri, nrp])]
    answer = Client().post("/api/v1/custody/events", json.dumps(body),
                           content_type="application/json", **bearer("officer"))  # fmt: skip
    assert answer.status_code == 200
    [result] = answer.json()["results"]
    return {**result, "id": None, "error": result["error"].replace(nrp, "NRP")}


def test_an_nrp_of_another_operation_is_refused_in_the_words_of_one_that_exists_nowhere(route):
    elsewhere = _member_elsewhere().nrp
    nowhere = "60087777"
    assert not Member.objects.filter(nrp=nowhere).exists()
    of_elsewhere, of_nowhere = _refusal(route, elsewhere), _refusal(route, nowhere)
    assert of_elsewhere == of_nowhere
    assert of_nowhere == {"id": None, "status": "rejected", "error": "unknown escort NRP NRP"}
    assert not CustodyEvent.objects.filter(box__code=route.box).exists()


def test_a_reinforcement_from_elsewhere_the_plan_assigns_to_the_box_is_known(route, plan):
    bko = _member_elsewhere()
    _assign(plan, Post.objects.get(plan=plan, kind=Post.Kind.TPS), bko)
    [result] = ledger.ingest(user("officer"), [_departure(route, [route.polri, bko.nrp])])
    assert result["status"] == "accepted"
    assert _alerts(route, NOT_IN_PLAN) == []


def test_an_observer_reads_the_alert_without_the_nrp_command_staff_with_it(route, plan, small):
    stranger = _unplanned(small, route).nrp
    ledger.ingest(user("officer"), [_departure(route, [route.polri, stranger])])
    url = f"/api/v1/alerts?box={route.box}"
    for reader, shown in (("commander", True), ("observer", False)):
        [alert] = [
            a for a in Client().get(url, **bearer(reader)).json() if a["rule"] == NOT_IN_PLAN
        ]
        assert (stranger in json.dumps(alert)) is shown
        assert route.box in alert["message"]
        page = logged_in(reader).get(f"/alerts/?region={HOME}").content.decode()
        assert (stranger in page) is shown


@pytest.mark.parametrize(
    ("kind", "route", "tps", "serves"),
    [
        ("escort", [{"from": "35.10.13", "to": "35.10.01", "km": 40}], None, "35.10.01"),  # KPU→PPK
        (
            "escort",
            [
                {"from": "35.10.01", "to": "35.10.01.2001"},
                {"from": "35.10.01.2001", "to": "35.10.01.2001-001"},
            ],
            None,
            "35.10.01.2001",
        ),  # PPK→PPS→TPS
        ("escort", [{"from": "35.10.01.2001", "to": "35.10.01"}], None, "35.10.01.2001"),  # PPS→PPK
        ("escort", [{"from": "35.10.01", "to": "35.10.13"}], None, "35.10.01"),  # PPK→KPU
        ("escort", [], None, "35.10.01"),
        ("tps", [], "35.10.01.2001-001", "35.10.01.2001-001"),
        ("warehouse", [], None, None),
        ("patrol", [], None, None),
    ],
)
def test_a_post_serves_its_tps_or_the_village_or_district_its_escort_team_is_for(
    kind, route, tps, serves
):
    post = {"kind": kind, "district": "35.10.01", "route": route, "tps": tps}
    assert planned.served(post) == serves

"""The raw reads of a replayed box's history and alerts (custody/history.py) read what the
ORM reads, converted as the ORM converts, on SQLite and PostgreSQL alike."""

from collections import defaultdict
from datetime import UTC, timedelta

import pytest
from django.utils import timezone

from kawal.accounts.models import RoleGrant
from kawal.custody import history, ledger, states
from kawal.custody.models import Alert, Box, CustodyEvent, of_boxes
from kawal.territory.models import Region
from tests.conftest import user
from tests.custody.conftest import START, event, home_route, journey


def orm_facts(codes: list[str]) -> dict[str, list[states.Fact]]:
    """What judging read through the ORM before custody/history.py: the oracle."""
    found = defaultdict(list)
    rows = CustodyEvent.objects.filter(of_boxes(codes)).values(
        "box__code", "id", "kind", "occurred_at", "place", "seals", "corrects"
    )
    for r in rows:
        corrects = str(r["corrects"]) if r["corrects"] else None
        fact = states.Fact(
            str(r["id"]), r["kind"], r["occurred_at"], r["place"], tuple(r["seals"]), corrects
        )
        found[r["box__code"]].append(fact)
    return dict(found)


def orm_alerts(codes: list[str]) -> dict[str, list[history.Raised]]:
    found = defaultdict(list)
    rows = Alert.objects.filter(of_boxes(codes)).values(
        "box__code", "id", "event_id", "rule", "severity", "status"
    )
    for r in rows:
        event_id = str(r["event_id"]) if r["event_id"] else None
        raised = history.Raised(r["id"], event_id, r["rule"], r["severity"], r["status"])
        found[r["box__code"]].append(raised)
    return {code: sorted(alerts) for code, alerts in found.items()}


@pytest.fixture
def stored(small):
    """Three boxes with stored events: a whole journey with a correction, a journey whose
    seal check arrived late, and a box in another regency with one note."""
    whole, late = home_route(small, 0), home_route(small, 1)
    officer = user("officer")
    sent = {whole.box: journey(whole), late.box: journey(late, seals=("S-9", "S-1"))}
    fix = event(whole, "correction", START + timedelta(hours=1), whole.regency)
    fix.update(corrects=sent[whole.box][1]["id"], note="arrived elsewhere")
    sent[whole.box].append(fix)
    at = START + timedelta(hours=17, microseconds=123457)  # to the microsecond, in WIB
    check = event(late, "seal_checked", at, late.tps, seals=["S-1"])
    sent[late.box].append(check)
    ledger.ingest(officer, sent[whole.box])
    ledger.ingest(officer, sent[late.box][:10] + [check])
    ledger.ingest(officer, sent[late.box][10:-1])
    elsewhere = Region.objects.create(
        code="35.98", name="Kabupaten Lain", level="kabupaten", lat=-8.0, lng=114.0, boundary=""
    )
    other = Box.objects.create(code="35.98.01.2001-001-BUP")
    RoleGrant.objects.create(user=user("commander"), role="command", region=elsewhere)
    note = {**event(whole, "note", START, "35.98", note="over there"), "box": other.code}
    ledger.ingest(user("commander"), [note])
    sent[other.code] = [note]
    return sent


def boxes(codes):
    return list(Box.objects.filter(code__in=codes).order_by("code"))


def test_the_raw_history_reads_each_box_event_as_the_orm_reads_it(stored):
    codes = sorted(stored)
    raw = history.facts(boxes(codes))
    assert raw == orm_facts(codes)
    for code, sent in stored.items():
        assert {f.id for f in raw[code]} == {e["id"] for e in sent}
    corrected = [f for f in raw[codes[0]] if f.corrects]
    assert [f.corrects for f in corrected] == [stored[codes[0]][1]["id"]]
    assert {f.occurred_at.tzinfo for facts in raw.values() for f in facts} == {UTC}
    assert [f.seals for f in raw[codes[1]] if f.kind == "sealed"] == [("S-9", "S-1")]
    assert {f.occurred_at.microsecond for f in raw[codes[1]]} == {0, 123457}


def test_the_raw_history_reads_only_the_boxes_it_is_asked_for(stored):
    code = sorted(stored)[1]
    assert history.facts(boxes([code])) == orm_facts([code])
    assert list(history.facts(boxes([code]))) == [code]
    assert history.facts([]) == {}


def test_the_raw_alerts_read_every_status_as_the_orm_reads_them(stored):
    codes = sorted(stored)
    box = Box.objects.get(code=codes[1])
    Alert.objects.create(
        box=box, regency=box.regency, event=None, rule=Alert.Rule.OVERDUE,
        severity=Alert.Severity.WARNING, raised_at=timezone.now(),
    )  # fmt: skip
    some = Alert.objects.filter(box__code=codes[0]).first()
    Alert.objects.filter(pk=some.pk).update(status=Alert.Status.LAPSED)
    raw = {code: sorted(alerts) for code, alerts in history.alerts(boxes(codes)).items()}
    assert raw == orm_alerts(codes)
    assert {a.status for alerts in raw.values() for a in alerts} >= {"open", "lapsed"}
    assert None in {a.event_id for a in raw[codes[1]]}
    assert history.alerts([]) == {}

"""The script, pure: every box's whole journey by the plan's teams, and each fault recorded with
the alerts it must leave standing."""

import random
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kawal.custody import rules, states
from kawal.simulation import faults, script
from kawal.simulation import world as w
from kawal.simulation.journeys import (
    CHECKINS,
    EVENTS,
    INCIDENTS,
    SPELL,
    SYNC_EVERY,
    Journeys,
    Maker,
    sync_at,
)  # fmt: skip
from kawal.simulation.world import World
from tests.simulation.conftest import small_world

LEGS = {  # the first step of each leg, and the team that escorts it
    "kpu_ppk": w.KPU_PPK, "ppk_pps": w.PPK_PPS, "pps_tps": w.PPK_PPS, "tps_pps": w.TPS_POST,
    "pps_ppk": w.PPS_PPK, "ppk_kpu": w.PPK_KPU,
}  # fmt: skip


def _events(plan: script.Script) -> dict[str, list[dict]]:
    """Each box's events as sent (resends left out), in the order they happened."""
    by_box = defaultdict(list)
    for send in plan.sends:
        if send.endpoint == EVENTS and not send.resend:
            for item in send.items:
                by_box[item["box"]].append(item)
    return {
        box: sorted(items, key=lambda i: (i["occurred_at"], i["id"]))
        for box, items in by_box.items()
    }


def _point(world: World, place: str) -> tuple[float, float]:
    p = {world.kpu.code: world.kpu, **world.districts, **world.villages, **world.tps}[place]
    return p.lat, p.lng


def _findings(world: World, box: str, items: list[dict]) -> list[tuple[str, str]]:
    """The ledger's own rules (custody/rules.py) over a box's events, folded in time order."""
    facts = [
        states.Fact(
            i["id"],
            i["kind"],
            i["occurred_at"],
            i["place"],
            tuple(i.get("seals", ())),
            i.get("corrects"),
        )
        for i in items
    ]
    by_id = {i["id"]: i for i in items}
    forces = {nrp: force for t in world.teams.values() for nrp, force in t.members}
    found = []
    for step in states.fold(facts, world.legs[box[:13]]):
        item = by_id[step.fact.id]
        escorts = [forces[n] for n in item.get("escorts", [])]
        at = (item["lat"], item["lng"])
        for f in rules.judge(step, box, escorts, at, _point(world, item["place"]), rules.Config()):
            found.append((f.rule, f.severity))
    return found


def test_a_night_without_faults_raises_no_alert_under_the_ledgers_rules(world):
    plan = script.build(world, seed=1, profile="none")
    events = _events(plan)
    assert sorted(events) == sorted(world.boxes)
    findings = {box: _findings(world, box, items) for box, items in events.items()}
    assert {box: found for box, found in findings.items() if found} == {}


def test_every_box_travels_from_the_kpu_down_to_its_tps_and_back_in_twenty_events(world):
    for box, items in _events(script.build(world, seed=1, profile="none")).items():
        facts = [states.Fact(i["id"], i["kind"], i["occurred_at"], i["place"]) for i in items]
        steps = states.fold(facts, world.legs[box[:13]])
        assert all(s.allowed for s in steps)
        assert states.final(steps).state == states.State.AT_KPU
        assert len(items) == 20
        assert [i["place"] for i in items if i["kind"] == "arrived"] == [
            box[:8],
            box[:13],
            box[:17],
            box[:13],
            box[:8],
            "35.10",
        ]


def test_departures_list_the_escorts_of_the_plans_team_for_their_leg(world):
    records = Journeys(world, Maker(random.Random(3))).records()
    departures = [r for r in records if r.step.endswith(".departed")]
    assert len(departures) == 6 * len(world.boxes)
    for r in departures:
        leg = r.step.split(".")[0]
        code = {w.KPU_PPK: r.box[:8], w.PPK_PPS: r.box[:13], w.TPS_POST: r.box[:17],
                w.PPS_PPK: r.box[:13], w.PPK_KPU: r.box[:8]}[LEGS[leg]]  # fmt: skip
        team = world.team(LEGS[leg], code)
        assert r.device == team.post
        assert r.item["escorts"] == team.escorts
        assert "90000011" not in r.item["escorts"]  # Linmas guard the TPS; they don't escort


def test_a_phone_sends_only_its_teams_records_in_small_batches_after_it_makes_them(world):
    plan = script.build(world, seed=1, profile="none")
    assert set(plan.devices) <= set(world.duties.values())
    assert max(len(s.items) for s in plan.sends) <= script.BATCH
    assert all(i["occurred_at"] < s.at for s in plan.sends for i in s.items)
    assert [s.at for s in plan.sends] == sorted(s.at for s in plan.sends)
    assert plan.incidents == sum(len(s.items) for s in plan.sends if s.endpoint == INCIDENTS)


def test_the_same_seed_gives_the_same_script_and_another_seed_another(world):
    first = script.build(world, seed=7, profile="realistic")
    assert script.build(small_world(), seed=7, profile="realistic") == first
    assert script.build(world, seed=8, profile="realistic") != first


def test_realistic_faults_are_one_of_each_kind_on_boxes_no_other_fault_touches(world):
    plan = script.build(world, seed=1, profile="realistic")
    assert Counter(f.kind for f in plan.faults) == Counter(faults.KINDS)
    touched = [b for f in plan.faults for b in f.boxes]
    assert len(touched) == len(set(touched))
    assert script.build(world, seed=1, profile="none").faults == ()


def test_each_fault_is_recorded_with_the_alerts_it_must_leave_standing(world):
    plan = script.build(world, seed=1, profile="realistic")
    expected = {f.kind: [(e.rule, e.severity) for e in f.alerts] for f in plan.faults}
    assert expected == {
        faults.LATE_LEG: [("overdue", "warning")],
        faults.NO_ESCORT: [("escort", "critical")],
        faults.SEAL_MISMATCH: [("seal_mismatch", "critical")],
        # Issue 10: the correction leaves the mismatch standing and raises its own alert.
        faults.FORGED_HANDOVER: [("seal_mismatch", "critical"), ("correction", "critical")],
        faults.OFFLINE: [], faults.DUPLICATE: [], faults.OUT_OF_ORDER: [],
        faults.STRANGER: [("escort_not_in_plan", "warning")],
        faults.NO_GPS: [("missing_gps", "info")],
    }  # fmt: skip
    assert all(e.box in f.boxes for f in plan.faults for e in f.alerts)


@pytest.mark.parametrize("kind", [faults.NO_ESCORT, faults.SEAL_MISMATCH])
def test_the_ledgers_rules_find_exactly_the_alert_recorded_for_the_fault(world, kind):
    plan = script.build(world, seed=1, profile="realistic")
    fault = next(f for f in plan.faults if f.kind == kind)
    box = fault.boxes[0]
    assert _findings(world, box, _events(plan)[box]) == [(e.rule, e.severity) for e in fault.alerts]


def test_a_forged_handover_corrects_the_mismatched_arrival_with_a_backdated_one(world):
    plan = script.build(world, seed=1, profile="realistic")
    fault = next(f for f in plan.faults if f.kind == faults.FORGED_HANDOVER)
    items = _events(plan)[fault.boxes[0]]
    sealed = next(i for i in items if i["kind"] == "sealed")
    correction = next(i for i in items if i["kind"] == "correction")
    arrivals = [i for i in items if i["kind"] == "arrived" and i["place"] == fault.boxes[0][:8]
                and i["occurred_at"] > sealed["occurred_at"]]  # fmt: skip
    corrected, again = sorted(arrivals, key=lambda i: i["id"] != correction["corrects"])
    assert corrected["seals"] != sealed["seals"] and again["seals"] == sealed["seals"]
    assert corrected["occurred_at"] < again["occurred_at"] < correction["occurred_at"]
    assert correction["note"]
    # The fold retracts the corrected arrival: the ledger's rules alone would see no mismatch.
    # The ledger keeps it standing and raises a correction alert (test_live.py holds it to that).
    assert _findings(world, fault.boxes[0], items) == []


def test_a_late_leg_never_arrives_and_the_run_lasts_until_it_is_overdue(world):
    plan = script.build(world, seed=1, profile="realistic")
    fault = next(f for f in plan.faults if f.kind == faults.LATE_LEG)
    items = _events(plan)[fault.boxes[0]]
    assert items[-1]["kind"] == "departed" and items[-1]["place"] == fault.boxes[0][:8]
    due = items[-1]["occurred_at"] + timedelta(hours=world.legs[fault.boxes[0][:13]]["ppk_kpu"])
    assert fault.holds_from > due
    assert plan.ends_at >= fault.holds_from


def test_held_records_go_out_after_the_records_they_should_have_preceded(world):
    plan = script.build(world, seed=1, profile="realistic")
    sent_at = {i["id"]: s.at for s in plan.sends if not s.resend for i in s.items}
    disorder = next(f for f in plan.faults if f.kind == faults.OUT_OF_ORDER)
    box = disorder.boxes[0]
    items = {i["kind"]: i for i in _events(plan)[box] if i["place"] == box[:17]}
    assert disorder.held == (items["opened"]["id"],)
    assert sent_at[items["opened"]["id"]] > sent_at[items["sealed"]["id"]]
    offline = next(f for f in plan.faults if f.kind == faults.OFFLINE)
    assert offline.held and len({sent_at[i] for i in offline.held}) == 1
    opened = [
        i for b in offline.boxes for i in _events(plan)[b]
        if i["kind"] == "opened" and i["place"] == b[:17]
    ]  # fmt: skip
    assert all(sent_at[o["id"]] < sent_at[offline.held[0]] for o in opened)


def test_a_duplicate_sends_the_same_batch_again_a_few_minutes_later(world):
    plan = script.build(world, seed=1, profile="realistic")
    fault = next(f for f in plan.faults if f.kind == faults.DUPLICATE)
    holding = [s for s in plan.sends if any(i["id"] == fault.resent for i in s.items)]
    first, again = holding
    assert (again.resend, again.items, again.device) == (True, first.items, first.device)
    assert again.at - first.at == script.RESEND_AFTER


def test_a_profile_is_named_and_a_region_must_hold_its_faults(world):
    with pytest.raises(ValueError, match="faults must be one of none, realistic, storm"):
        script.build(world, seed=1, profile="chaos")
    one_village = replace(world, boxes=world.boxes[:4])  # the offline phone takes all four
    with pytest.raises(ValueError, match="more faults than boxes: choose a milder profile"):
        script.build(one_village, seed=1, profile="realistic")


@given(st.integers(0, 6 * 365 * 24 * 3600 * 10**6), st.text(min_size=1, max_size=30))
def test_a_phone_sends_a_record_at_its_next_sync_within_sync_every(microseconds, device):
    at = datetime(2024, 1, 1, tzinfo=UTC) + timedelta(microseconds=microseconds)
    sent = sync_at(device, at)
    assert at < sent <= at + SYNC_EVERY
    assert sync_at(device, sent - timedelta(microseconds=1)) == sent


def test_two_regions_scripted_with_one_seed_never_send_the_same_record_id(world):
    def ids(plan: script.Script) -> set[str]:
        return {i["id"] for s in plan.sends for i in s.items}

    here = script.build(world, seed=1, profile="realistic")
    there = script.build(replace(world, region="35.10.02"), seed=1, profile="realistic")
    assert ids(here) and not ids(here) & ids(there)


def test_boxes_a_short_team_escorts_expect_the_escort_alerts_the_plan_itself_raises(
    world, monkeypatch
):
    # The short village's boxes leave too few in this small world for every kind of fault.
    fewer = {
        k: r
        for k, r in faults.PROFILES["realistic"].items()
        if k not in (faults.STRANGER, faults.NO_GPS)
    }
    monkeypatch.setitem(faults.PROFILES, "realistic", fewer)
    post = world.team(w.PPK_PPS, "35.10.01.2002").post
    short = replace(world.teams[post], members=(("30000099", "tni"),))
    world = replace(world, teams={**world.teams, post: short})
    plan = script.build(world, seed=1, profile="realistic")
    planned = [f for f in plan.faults if f.kind == faults.SHORT_TEAM]
    assert sorted(b for f in planned for b in f.boxes) == [
        b for b in world.boxes if b[:13] == "35.10.01.2002"
    ]
    both_legs = [("escort", "critical")] * 2  # PPK -> PPS and PPS -> TPS
    for f in planned:
        assert [(e.rule, e.severity) for e in f.alerts] == both_legs
        assert _findings(world, f.boxes[0], _events(plan)[f.boxes[0]]) == both_legs
    injected = {b for f in plan.faults if f.kind != faults.SHORT_TEAM for b in f.boxes}
    assert not injected & {b for f in planned for b in f.boxes}
    joint = script.build(replace(world, joint_escort=True), seed=1, profile="none")
    warned = {(e.rule, e.severity) for f in joint.faults for e in f.alerts}
    assert ("escort", "warning") in warned


def test_each_team_leader_checks_in_at_the_post_before_each_spell_of_work(world):
    plan = script.build(world, seed=1, profile="none")
    sent = [(s.device, s.endpoint, i) for s in plan.sends for i in s.items]
    for post, team in plan.devices.items():
        work = sorted(i["occurred_at"] for d, e, i in sent if d == post and e != CHECKINS)
        spells = [t for n, t in enumerate(work) if n == 0 or t - work[n - 1] >= SPELL]
        checkins = sorted((i for d, e, i in sent if d == post and e == CHECKINS),
                          key=lambda i: i["occurred_at"])  # fmt: skip
        assert [i["occurred_at"] + timedelta(minutes=20) for i in checkins] == spells
        assert {i["assignment"] for i in checkins} == {team.assignment}
        assert all(abs(i["lat"] - team.lat) < 0.001 for i in checkins)
    tps_post = world.team(w.TPS_POST, "35.10.01.2001-001").post
    assert plan.checkins == sum(1 for d, e, _ in sent if e == CHECKINS)
    assert len([i for d, e, i in sent if d == tps_post and e == CHECKINS]) == 1
    assert script.build(world, seed=1, profile="none", checkins=False).checkins == 0


def test_a_stranger_escort_is_a_member_of_the_plan_on_none_of_the_boxs_teams(world):
    plan = script.build(world, seed=1, profile="realistic")
    fault = next(f for f in plan.faults if f.kind == faults.STRANGER)
    box = fault.boxes[0]
    left = next(i for i in _events(plan)[box] if i["kind"] == "departed" and i["place"] == box[:13]
                and i["occurred_at"] > world.stages["voting"][0])  # fmt: skip
    team = world.team(w.PPS_PPK, box[:13])
    [stranger] = [n for n in left["escorts"] if n not in team.escorts]
    assert left["escorts"][: len(team.escorts)] == team.escorts
    on_the_box = {
        n for duty, code in ((w.TPS_POST, box[:17]), (w.PPK_PPS, box[:13]), (w.KPU_PPK, box[:8]),
                             (w.PPS_PPK, box[:13]), (w.PPK_KPU, box[:8]))
        for n, _ in world.team(duty, code).members
    }  # fmt: skip
    assert stranger not in on_the_box
    assert stranger in {n for t in world.teams.values() for n, _ in t.members}


def test_a_fix_left_out_is_expected_to_alert_only_where_the_operation_asks_for_gps(world):
    for asked, expected in ((True, [("missing_gps", "info")]), (False, [])):
        plan = script.build(replace(world, require_gps=asked), seed=1, profile="realistic")
        fault = next(f for f in plan.faults if f.kind == faults.NO_GPS)
        arrived = [i for i in _events(plan)[fault.boxes[0]]
                   if i["kind"] == "arrived" and i["place"] == fault.boxes[0][:13]]  # fmt: skip
        assert "lat" not in arrived[0] and "lat" in arrived[1]
        assert [(e.rule, e.severity) for e in fault.alerts] == expected

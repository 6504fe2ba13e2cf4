"""The check after a run, pure: standing alerts held against the faults the script recorded."""

import pytest

from kawal.simulation import check, faults, script
from kawal.simulation.check import Alert
from kawal.simulation.client import Outcome


@pytest.fixture
def plan(world) -> script.Script:
    return script.build(world, seed=1, profile="realistic")


def _expected(plan: script.Script, status: str = "open") -> list[Alert]:
    return [Alert(e.box, e.rule, e.severity, status, "") for f in plan.faults for e in f.alerts]


def _answered(plan: script.Script, *, resend: str = "duplicate", late: str = "accepted") -> Outcome:
    outcome = Outcome()
    for f in plan.faults:
        if f.resent:
            outcome.resent[f.resent] = resend
        for record in f.held:
            outcome.answers_to[record] = late
    return outcome


def test_every_fault_with_exactly_its_alerts_and_nothing_else_passes(plan):
    verdict = check.judge(plan, _expected(plan, "acknowledged"), _answered(plan), [])
    assert verdict.ok and verdict.false_alerts == [] and verdict.lapsed == 0
    assert "every injected fault detected, no false alert" in check.summary(verdict)


def test_a_fault_missing_one_of_its_alerts_is_missed_and_named(plan):
    alerts = [a for a in _expected(plan) if a.rule != "correction"]
    verdict = check.judge(plan, alerts, _answered(plan), [])
    missed = [r for r in verdict.rows if not r.detected]
    assert [(r.fault.kind, r.detail) for r in missed] == [
        (faults.FORGED_HANDOVER, "missing correction (critical)")
    ]
    assert not verdict.ok and "1 of 9 injected faults missed" in check.summary(verdict)


def test_an_alert_resolved_or_lapsed_stands_no_more(plan):
    seal = next(a for a in _expected(plan) if a.rule == "seal_mismatch")
    alerts = [a for a in _expected(plan) if a != seal] + [
        Alert(seal.box, seal.rule, seal.severity, "resolved", "")
    ]
    verdict = check.judge(plan, alerts, _answered(plan), [])
    assert verdict.lapsed == 1 and not verdict.ok


def test_a_standing_alert_no_fault_explains_is_a_false_alert(plan):
    quiet = next(b for b in _boxes(plan) if b not in _touched(plan))
    extra = Alert(quiet, "skipped_leg", "warning", "open", "")
    verdict = check.judge(plan, [*_expected(plan), extra], _answered(plan), [])
    assert verdict.false_alerts == [extra] and "1 false alerts" in check.summary(verdict)
    # Two alerts where the fault expects one: the fault is missed, not the alert false.
    twice = check.judge(plan, [*_expected(plan), *_expected(plan)[:1]], _answered(plan), [])
    assert [r.detail.startswith("also ") for r in twice.rows if not r.detected] == [True]


def test_a_resend_must_be_answered_duplicate_and_late_records_accepted(plan):
    resent = check.judge(plan, _expected(plan), _answered(plan, resend="accepted"), [])
    assert [r.detail for r in resent.rows if not r.detected] == ["the resend was answered accepted"]
    late = check.judge(plan, _expected(plan), _answered(plan, late="rejected"), [])
    assert {r.fault.kind for r in late.rows if not r.detected} == {
        faults.OFFLINE, faults.OUT_OF_ORDER
    }


def test_rejected_records_and_cut_answers_fail_the_check(plan):
    outcome = _answered(plan)
    outcome.rejected.append(("1f0c…", "unknown escort NRP 123"))
    verdict = check.judge(plan, _expected(plan), outcome, ["35.10.01"])
    assert not verdict.ok
    assert verdict.problems == [
        "1 records rejected, e.g. 1f0c…: unknown escort NRP 123",
        "alerts of 35.10.01 were cut at 1000: the check can't see them all",
    ]


def _boxes(plan: script.Script) -> list[str]:
    return sorted({i["box"] for s in plan.sends for i in s.items if "box" in i})


def _touched(plan: script.Script) -> set[str]:
    return {b for f in plan.faults for b in f.boxes}

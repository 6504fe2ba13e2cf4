"""After a run: did each injected fault raise exactly the alerts it should, and nothing else any?

Reads `GET /api/v1/alerts` for each district of the region replayed, keeps the alerts still
standing (open or acknowledged: an alert that lapsed when late records arrived stands no
more), and holds them against the faults the script recorded (simulation/faults.py).
"""

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

from rich.table import Table

from kawal.simulation.client import Http, Outcome
from kawal.simulation.faults import Fault
from kawal.simulation.script import Script

STANDING = ("open", "acknowledged")
LIMIT = 1000  # the most alerts one answer of the API holds (custody/alerts.py LIMIT)


@dataclass(frozen=True)
class Alert:
    box: str
    rule: str
    severity: str
    status: str
    message: str

    @property
    def label(self) -> str:
        return f"{self.rule} ({self.severity})"


@dataclass(frozen=True)
class Row:
    fault: Fault
    found: tuple[Alert, ...]
    detected: bool
    detail: str = ""

    def as_dict(self) -> dict[str, Any]:
        fault = self.fault
        return {
            "kind": fault.kind, "boxes": list(fault.boxes), "device": fault.device,
            "what": fault.what, "expected": [asdict(e) for e in fault.alerts],
            "found": [asdict(a) for a in self.found], "detected": self.detected,
            "detail": self.detail,
        }  # fmt: skip


@dataclass
class Verdict:
    rows: list[Row]
    false_alerts: list[Alert]
    lapsed: int  # alerts the ledger raised and then let lapse as late records came in
    outcome: Outcome
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.detected for r in self.rows) and not self.false_alerts and not self.problems

    def as_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "faults": [r.as_dict() for r in self.rows],
            "false_alerts": [asdict(a) for a in self.false_alerts],
            "lapsed": self.lapsed,
            "answers": {f"{e} {s}": n for (e, s), n in sorted(self.outcome.answers.items())},
            "problems": self.problems,
        }


def read_alerts(http: Http, token: str, districts: Iterable[str]) -> tuple[list[Alert], list[str]]:
    """Every alert on the districts' boxes, and any district whose answer was cut at LIMIT."""
    found, cut = [], []
    for district in sorted(districts):
        answer = http.request("GET", f"alerts?region={district}", token)
        if len(answer) >= LIMIT:
            cut.append(district)
        found += [
            Alert(a["box"], a["rule"], a["severity"], a["status"], a["message"]) for a in answer
        ]
    return found, cut


def _row(fault: Fault, alerts: list[Alert], outcome: Outcome) -> Row:
    expected = Counter((e.rule, e.severity) for e in fault.alerts)
    got = Counter((a.rule, a.severity) for a in alerts)
    if got != expected:
        missing = ", ".join(f"{r} ({s})" for r, s in sorted((expected - got).elements()))
        extra = ", ".join(f"{r} ({s})" for r, s in sorted((got - expected).elements()))
        parts = (missing and f"missing {missing}", extra and f"also {extra}")
        return Row(fault, tuple(alerts), False, "; ".join(p for p in parts if p))
    if fault.resent:
        answer = outcome.resent.get(fault.resent)
        if answer != "duplicate":
            detail = f"the resend was answered {answer or 'nothing'}"
            return Row(fault, tuple(alerts), False, detail)
        return Row(fault, tuple(alerts), True, "the resend was answered duplicate")
    if fault.held:
        refused = [i for i in fault.held if outcome.answers_to.get(i) != "accepted"]
        if refused:
            answer = outcome.answers_to.get(refused[0]) or "nothing"
            return Row(fault, tuple(alerts), False, f"a late record was answered {answer}")
        late = "1 late record" if len(fault.held) == 1 else f"{len(fault.held)} late records"
        return Row(fault, tuple(alerts), True, f"{late} accepted")
    return Row(fault, tuple(alerts), True)


def judge(script: Script, alerts: list[Alert], outcome: Outcome, cut: list[str]) -> Verdict:
    """Hold the standing alerts against the faults: each fault's exactly, and no other."""
    standing: dict[str, list[Alert]] = defaultdict(list)
    lapsed = 0
    for a in alerts:
        if a.status in STANDING:
            standing[a.box].append(a)
        else:
            lapsed += 1
    rows = [
        _row(f, [a for b in f.boxes for a in standing.get(b, [])], outcome) for f in script.faults
    ]
    touched = {b for f in script.faults for b in f.boxes}
    false = [a for box, found in sorted(standing.items()) if box not in touched for a in found]
    problems = [f"{len(outcome.rejected)} records rejected, e.g. {i}: {why}"
                for i, why in outcome.rejected[:1]]  # fmt: skip
    problems += [f"{len(outcome.failed)} requests failed, e.g. {e}" for e in outcome.failed[:1]]
    problems += [f"alerts of {d} were cut at {LIMIT}: the check can't see them all" for d in cut]
    return Verdict(rows, false, lapsed, outcome, problems)


def table(verdict: Verdict) -> Table:
    t = Table(title="Injected faults and the alerts they raised", show_lines=False)
    for column in ("fault", "box", "phone", "expected", "found", ""):
        t.add_column(column, overflow="fold")
    for r in verdict.rows:
        boxes = r.fault.boxes[0] if len(r.fault.boxes) == 1 else f"{len(r.fault.boxes)} boxes"
        expected = ", ".join(f"{e.rule} ({e.severity})" for e in r.fault.alerts) or "none"
        found = ", ".join(a.label for a in r.found) or "none"
        if not r.detected:
            mark = "[red]MISSED[/]"
        else:
            mark = "[green]detected[/]" if r.fault.alerts else "[green]no alert, rightly[/]"
        t.add_row(r.fault.kind, boxes, r.fault.device, expected, found,
                  f"{mark}: {r.detail}" if r.detail else mark)  # fmt: skip
    for a in verdict.false_alerts:
        t.add_row("[red]none injected[/]", a.box, "", "none", a.label, "[red]FALSE ALERT[/]")
    return t


def summary(verdict: Verdict) -> str:
    if verdict.ok:
        return "[bold green]every injected fault detected, no false alert[/]"
    missed = sum(1 for r in verdict.rows if not r.detected)
    lines = []
    if missed:
        lines.append(f"{missed} of {len(verdict.rows)} injected faults missed")
    if verdict.false_alerts:
        lines.append(f"{len(verdict.false_alerts)} false alerts")
    return "[bold red]" + "; ".join(lines + verdict.problems) + "[/]"

"""How an alert reads: its rule's name and its message, in the reader's language.

An alert is stored as its rule and the parameters the rule found (custody/rules.py), never
as a sentence, so the same alert reads in Bahasa Indonesia or English as the reader chose.
The note a handler adds is stored as written, each line headed by who handled it and how;
the heading and the ledger's own lines are put in words here too.
"""

import re
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any

from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from kawal.custody.models import Alert, Box, CustodyEvent

Rule = Alert.Rule

# The line the ledger writes into a warning's note when late events lapse it
# (custody/judging.py), and the two it wrote before alerts could lapse, still in older notes.
REORDERED = "lapsed by the ledger: no longer holds with late events in their place"
LEDGER_LINES = {
    REORDERED: gettext_lazy("lapsed by the ledger: no longer holds with late events in their place"),
    "resolved by the ledger: the event was corrected": gettext_lazy(
        "resolved by the ledger: the event was corrected"
    ),
    "resolved by the ledger: no longer holds with late events in their place": gettext_lazy(
        "resolved by the ledger: no longer holds with late events in their place"
    ),
}
# A handler's line, as custody/alerts.py `handle()` writes it.
# Without `who` once `without_handlers()` has taken the username out for a reader.
HANDLED_LINE = re.compile(
    r"^\[(?P<at>\d{4}-\d\d-\d\d \d\d:\d\d)(?: (?P<who>\S+))?, (?P<to>\w+)\] ?(?P<text>.*)$"
)


def rule_label(rule: str) -> str:
    """The rule's name in the active language; an unknown rule keeps its code."""
    return str(Rule(rule).label) if rule in Rule.values else rule


def _when(value: str | datetime | None) -> str:
    moment = parse_datetime(value) if isinstance(value, str) else value
    if moment is None:
        return "?"
    return formats.date_format(timezone.localtime(moment), "j M H:i")


def _level(code: str) -> str:
    return code.upper()


def _escort(p: Mapping[str, Any]) -> str:
    if p.get("force") == "tni":
        return _("departure without the required TNI escort")
    return _("departure without a Polri escort")


def _seals(p: Mapping[str, Any]) -> str:
    parts = []
    if p.get("missing"):
        parts.append(_("missing %(seals)s") % {"seals": ", ".join(p["missing"])})
    if p.get("unknown"):
        parts.append(_("unknown %(seals)s") % {"seals": ", ".join(p["unknown"])})
    if not parts:
        parts.append(_("no seals recorded"))
    return _("seals differ from sealing: %(parts)s") % {"parts": "; ".join(parts)}


def _skipped(p: Mapping[str, Any]) -> str:
    if p.get("skipped"):
        return _("arrived at %(level)s without passing the %(skipped)s") % {
            "level": _level(p.get("level", "")), "skipped": _level(p["skipped"]),
        }  # fmt: skip
    kind, state = p.get("kind", ""), p.get("state", "")
    return _("%(event)s at %(level)s while the box is %(state)s: a step before it was not recorded") % {
        "event": CustodyEvent.Kind(kind).label if kind in CustodyEvent.Kind.values else kind,
        "level": _level(p.get("level", "")),
        "state": Box.State(state).label if state in Box.State.values else state,
    }


def _km(value: float) -> str:
    return formats.number_format(value, 0 if float(value).is_integer() else 1)


def _place(p: Mapping[str, Any]) -> str:
    where = p.get("place", "")
    if "km" not in p:
        return _("place %(place)s is not on the box's route") % {"place": where}
    return _("recorded %(km)s km from %(place)s (allowed %(allowed)s km)") % {
        "km": formats.number_format(p["km"], 1),
        "place": where,
        "allowed": _km(p.get("allowed", 0)),
    }


def _overdue(p: Mapping[str, Any]) -> str:
    return _("in transit past its due time %(due)s") % {"due": _when(p.get("due"))}


def _not_sealed(p: Mapping[str, Any]) -> str:
    return _("not sealed by %(deadline)s") % {"deadline": _when(p.get("by"))}


def _correction(p: Mapping[str, Any]) -> str:
    kind = p.get("kind", "")
    return _("correction of %(event)s %(id)s: %(note)s") % {
        "event": CustodyEvent.Kind(kind).label if kind in CustodyEvent.Kind.values else kind,
        "id": str(p.get("event", ""))[:8],
        "note": p.get("note", ""),
    }


def _not_in_plan(p: Mapping[str, Any]) -> str:
    if "nrp" not in p:  # kept from a reader who doesn't see personnel (`for_reader`)
        return _("an escort of box %(box)s is not assigned to it in the approved plan") % {
            "box": p.get("box", "")
        }
    return _("escort %(nrp)s is not assigned to box %(box)s in the approved plan") % {
        "nrp": p["nrp"], "box": p.get("box", ""),
    }  # fmt: skip


def _missing_gps(p: Mapping[str, Any]) -> str:
    kind = p.get("kind", "")
    return _("%(event)s recorded without a GPS fix") % {
        "event": CustodyEvent.Kind(kind).label if kind in CustodyEvent.Kind.values else kind,
    }


MESSAGES: dict[str, Callable[[Mapping[str, Any]], str]] = {
    Rule.ESCORT: _escort,
    Rule.SEAL_MISMATCH: _seals,
    Rule.SKIPPED_LEG: _skipped,
    Rule.PLACE: _place,
    Rule.OVERDUE: _overdue,
    Rule.NOT_SEALED: _not_sealed,
    Rule.CORRECTION: _correction,
    Rule.ESCORT_NOT_IN_PLAN: _not_in_plan,
    Rule.MISSING_GPS: _missing_gps,
}
# Parameters that name personnel: never shown to a reader who doesn't see personnel.
PERSONNEL_PARAMS = ("nrp",)


def for_reader(params: Mapping[str, Any], sees_personnel: bool) -> dict[str, Any]:
    """An alert's parameters as a reader may see them: an observer never sees an NRP."""
    if sees_personnel:
        return dict(params)
    return {k: v for k, v in params.items() if k not in PERSONNEL_PARAMS}


def without_handlers(note: str) -> str:
    """An alert's note without the usernames of who handled it: for a reader who doesn't
    see personnel where the alert's box lies."""
    lines = []
    for line in note.splitlines():
        handled = HANDLED_LINE.match(line)
        if handled and handled["who"]:
            line = f"[{handled['at']}, {handled['to']}] {handled['text']}".rstrip()
        lines.append(line)
    return "\n".join(lines)


def message(rule: str, params: Mapping[str, Any]) -> str:
    """The alert's message in the active language, from its rule and parameters.

    A row whose parameters could not be read back from an old message keeps that message
    as `text`, shown as it was written.
    """
    if "text" in params or rule not in MESSAGES:
        return str(params.get("text", rule_label(rule)))
    return MESSAGES[rule](params)


def note_lines(note: str) -> list[str]:
    """An alert's note, line by line, with each line's heading and the ledger's lines in words."""
    lines = []
    for line in note.splitlines():
        if line in LEDGER_LINES:
            lines.append(str(LEDGER_LINES[line]))
            continue
        handled = HANDLED_LINE.match(line)
        if handled and handled["to"] in Alert.Status.values:
            at = datetime.fromisoformat(handled["at"])
            when = formats.date_format(at, "j M H:i")
            status = Alert.Status(handled["to"]).label
            if handled["who"]:
                heading = _("%(when)s %(who)s, %(status)s") % {
                    "when": when, "who": handled["who"], "status": status,
                }  # fmt: skip
            else:
                heading = _("%(when)s, %(status)s") % {"when": when, "status": status}
            lines.append(f"[{heading}] {handled['text']}".rstrip())
        else:
            lines.append(line)
    return lines

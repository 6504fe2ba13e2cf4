"""How an incident is handled: the one table of allowed moves. Pure: no database.

    reported --handle--> handled --close--> closed --reopen--> reported

A critical incident is escalated until someone acknowledges it: it leads the command feed and
the wall screen. Acknowledging leaves the status as it is; handling acknowledges too, since
whoever handles an incident has seen it. Every move needs a note. docs/incidents.md shows
this table to users; the API and the pages apply it through `move()`.
"""

from dataclasses import dataclass

REPORTED, HANDLED, CLOSED = "reported", "handled", "closed"
REPORT, ACKNOWLEDGE, HANDLE, CLOSE, REOPEN = "report", "acknowledge", "handle", "close", "reopen"
CRITICAL = "critical"

# action: (statuses it may start from, status it leaves; None keeps the status)
MOVES: dict[str, tuple[frozenset[str], str | None]] = {
    ACKNOWLEDGE: (frozenset({REPORTED, HANDLED}), None),
    HANDLE: (frozenset({REPORTED}), HANDLED),
    CLOSE: (frozenset({HANDLED}), CLOSED),
    REOPEN: (frozenset({CLOSED}), REPORTED),
}
ACTIONS = tuple(MOVES)
NOTE_LIMIT = 2000


class Refused(ValueError):
    """The move is not allowed from where the incident stands."""


class Invalid(ValueError):
    """The move is asked for wrongly: an unknown action, or no note."""


@dataclass(frozen=True)
class Move:
    action: str
    status: str  # after the move
    acknowledges: bool  # sets the incident's acknowledgement now


def is_escalated(severity: str, acknowledged: bool) -> bool:
    return severity == CRITICAL and not acknowledged


def move(action: str, *, status: str, severity: str, acknowledged: bool, note: str) -> Move:
    """The move `action` makes from `status`; Invalid or Refused say why not."""
    if action not in MOVES:
        raise Invalid(f"action must be one of {', '.join(ACTIONS)}, not {action!r}")
    starts, to = MOVES[action]
    if status not in starts:
        raise Refused(f"an incident that is {status} cannot be {_done(action)}")
    if action == ACKNOWLEDGE and not is_escalated(severity, acknowledged):
        raise Refused("only an escalated critical incident is acknowledged")
    if not note.strip():
        raise Invalid("note is required")
    if len(note) > NOTE_LIMIT:
        raise Invalid(f"note is longer than {NOTE_LIMIT} characters")
    acknowledges = not acknowledged and action in (ACKNOWLEDGE, HANDLE)
    return Move(action, to or status, acknowledges)


def allowed(*, status: str, severity: str, acknowledged: bool) -> list[str]:
    """The actions a handler may take now, in the order the page offers them."""
    return [
        action
        for action, (starts, _) in MOVES.items()
        if status in starts and (action != ACKNOWLEDGE or is_escalated(severity, acknowledged))
    ]


def _done(action: str) -> str:
    return {ACKNOWLEDGE: "acknowledged", HANDLE: "handled", CLOSE: "closed", REOPEN: "reopened"}[
        action
    ]

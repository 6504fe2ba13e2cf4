"""The one definition of a "delivered or sealed" custody event, the events the command center
counts over time: a box sealed after counting, or a box arrived at its TPS.

A place is a TPS when its code carries a TPS number (`35.10.01.2001-001`): region codes
(`35.10.01.2001`) never hold a '-'. Box states can't say it: an arrival at a TPS and one at a
PPS both follow a departure.

The definition is needed in two forms, kept side by side here:
- `sql(row)`, a condition over a table row, for the tally triggers and their rebuild
  (tallies.py), which run inside the database;
- `matches()`, an ORM filter, for the board's direct count below a district (board.py).
tests/command/test_delivered_or_sealed.py checks that both agree on every kind and place.
"""

from django.db.models import Q

from kawal.custody.models import CustodyEvent

KINDS = (CustodyEvent.Kind.ARRIVED, CustodyEvent.Kind.SEALED)
TPS_MARK = "-"  # in a place code, only a TPS number follows it


def sql(row: str) -> str:
    """The condition over `row` (a table alias, or NEW in a trigger), for SQLite and PostgreSQL."""
    return (
        f"({row}.kind = '{CustodyEvent.Kind.SEALED}' OR "
        f"({row}.kind = '{CustodyEvent.Kind.ARRIVED}' AND {row}.place LIKE '%{TPS_MARK}%'))"
    )


def matches() -> Q:
    """The same condition as an ORM filter over custody events."""
    return Q(kind=CustodyEvent.Kind.SEALED) | Q(
        kind=CustodyEvent.Kind.ARRIVED, place__contains=TPS_MARK
    )

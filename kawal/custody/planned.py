"""Who the approved deployment plan puts on a batch's boxes: read in two queries per batch
that names escorts (which operations approved a plan, and its assignments of them), none
for a batch that names none.

An escort is planned for a box when the operation's approved plan assigns them to the post
guarding the box's TPS, or to an escort team serving a region that holds the box: the team's
village (PPK → PPS → TPS, PPS → PPK) or district (KPU → PPK, PPK → KPU). The stage isn't
held to: a member planned on any of the box's teams may carry it. Where the operation has no
approved plan, nothing is held to one (custody/rules.py `in_plan`).

The same read says which NRPs a batch may name at all (`Known`): members based in the
operation's region, or anywhere the plan brought them from (BKO). Any other NRP is refused
as unknown, in the same words whether it exists elsewhere or not, so that a phone can't
learn who serves in another operation.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from kawal import raw_reads
from kawal.custody import rules
from kawal.operations.models import CustodyRules
from kawal.planning.models import Assignment, Plan, Post
from kawal.territory.codes import lies_within

# A box code's holders that a post may serve: its TPS, village, district and regency.
HOLDER_LENGTHS = (5, 8, 13, 17)
DISTRICT_LENGTH = 8


@dataclass
class Known:
    """The batch's members, and what the approved plans of its boxes' operations say of them."""

    homes: dict[str, str]  # NRP -> the member's home region
    areas: dict[str, str] = field(default_factory=dict)  # box -> its operation's region
    # box -> the batch's NRPs planned for it, for boxes whose operation approved a plan
    planned: dict[str, frozenset[str]] = field(default_factory=dict)
    in_plans: dict[int, set[str]] = field(default_factory=dict)  # operation -> NRPs it plans
    operations: dict[str, int] = field(default_factory=dict)  # box -> its operation

    def knows(self, nrp: str, box: str) -> bool:
        """Whether `box`'s event may name `nrp`: a member of the box's operation's region
        (its regency, without an operation), or one its approved plan assigns."""
        home = self.homes.get(nrp)
        if home is None:
            return False
        if lies_within(home, self.areas.get(box, box[:5])):
            return True
        operation = self.operations.get(box)
        return operation is not None and nrp in self.in_plans.get(operation, set())


def served(post: Mapping[str, Any]) -> str | None:
    """The region or TPS a post's people guard or escort boxes of (None for the others)."""
    if post["kind"] == Post.Kind.TPS:
        return post["tps"]
    if post["kind"] != Post.Kind.ESCORT:
        return None
    district = post["district"]
    if not post["route"]:
        return district
    first = post["route"][0]
    ends = [c for c in (first.get("from"), first.get("to")) if c and lies_within(c, district)]
    return max(ends, key=len, default=district)


def _approved(operations: set[int]) -> set[int]:
    """Which of `operations` have an approved plan: a plain read, as every batch that names
    escorts makes it (kawal/raw_reads.py)."""
    if not operations:
        return set()
    ids = sorted(operations)
    rows = raw_reads.fetch(
        f"SELECT DISTINCT operation_id FROM {Plan._meta.db_table} "
        f"WHERE status = %s AND operation_id IN ({raw_reads.marks(ids)})",
        [Plan.Status.APPROVED, *ids],
    )
    return {operation for (operation,) in rows}


def known(
    members: Mapping[str, tuple[str, str, int]],
    found: Mapping[str, tuple[rules.Config, CustodyRules]],
) -> Known:
    """What the approved plans say of the batch's `members` (NRP -> force, home region, id)
    on its boxes that an operation covers: `found`, their rules (judging.rules_for)."""
    result = Known({nrp: home for nrp, (_, home, _) in members.items()})
    for box, (_, custody_rules) in found.items():
        result.operations[box] = custody_rules.operation_id
        result.areas[box] = custody_rules.operation.region_id
    # A plan only judges the escorts an event names: a batch that names none needs no plan.
    approved = _approved(set(result.operations.values())) if members else set()
    planning = {b: op for b, op in result.operations.items() if op in approved}
    serving: dict[tuple[int, str], set[str]] = defaultdict(set)
    if members and planning:
        nrps = {pk: nrp for nrp, (_, _, pk) in members.items()}
        for operation, member, kind, district, route, tps in _rows(
            approved, list(nrps), {b[:DISTRICT_LENGTH] for b in planning}
        ):
            result.in_plans.setdefault(operation, set()).add(nrps[member])
            code = served({"kind": kind, "district": district, "route": route, "tps": tps})
            if code:
                serving[(operation, code)].add(nrps[member])
    for box, operation in planning.items():
        result.planned[box] = frozenset().union(
            *(serving.get((operation, box[:n]), ()) for n in HOLDER_LENGTHS)
        )
    return result


def _rows(operations: set[int], member_ids: list[int], districts: set[str]) -> Iterable[tuple]:
    """The approved plans' TPS post and escort team assignments of `member_ids` in
    `districts` (a post never serves boxes outside its district), one row per TPS of a post."""
    return (
        Assignment.objects.filter(
            plan__status=Plan.Status.APPROVED, plan__operation_id__in=operations,
            member_id__in=member_ids, post__district_id__in=districts,
            post__kind__in=(Post.Kind.TPS, Post.Kind.ESCORT),
        )
        .order_by()
        .values_list(
            "plan__operation_id", "member_id", "post__kind", "post__district_id", "post__route",
            "post__post_tps__tps__code",
        )
    )  # fmt: skip

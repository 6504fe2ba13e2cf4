"""The picture of one region and its children: TPS, voters, boxes by state and milestone,
overdue legs, open alerts, personnel.

Every figure is one grouped query over hierarchical codes, so the number of queries
stays the same however many TPS or boxes the region holds. Where the children are
districts or larger (a regency, a province, the country), TPS, boxes and open alerts are
read from the tallies (models.py, tallies.py) instead of the rows themselves, so the
cost stays flat at national scale too.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from kawal.command import progress, tallies
from kawal.command.models import AlertTally, BoxTally, Tally, TpsTally
from kawal.custody.models import Alert, Box
from kawal.custody.rules import overdue_boxes
from kawal.custody.states import MOVING_STATES
from kawal.personnel.models import Force, Member
from kawal.territory.codes import within
from kawal.territory.models import TPS, Region

TPS_CODE_LENGTH = len("35.10.01.2001-001")
NATIONAL = ""  # the whole country: the parent of every province


def national_region() -> Region:
    return Region(code=NATIONAL, name="Indonesia", level="nasional")


def within_or_national(field: str, code: str) -> Q:
    """territory.codes.within, which also takes the command center's national root: NATIONAL,
    the empty code above every province, holds every row."""
    return Q() if code == NATIONAL else within(field, code)


@dataclass
class Totals:
    tps: int = 0
    voters: int = 0
    boxes: int = 0
    boxes_by_state: dict[str, int] = field(default_factory=dict)
    # Boxes past each milestone (progress.MILESTONES): delivered, opened, sealed, ...
    reached: dict[str, int] = field(default_factory=lambda: dict.fromkeys(progress.MILESTONES, 0))
    overdue: int = 0  # boxes in transit past the time their leg allows
    open_alerts: int = 0
    critical_alerts: int = 0  # open ones of severity critical
    personnel: dict[str, int] = field(default_factory=lambda: {f: 0 for f in Force.values})

    @property
    def in_transit(self) -> int:
        return sum(self.boxes_by_state.get(s, 0) for s in MOVING_STATES)


@dataclass
class AreaStatus:
    code: str
    name: str
    level: str
    totals: Totals


@dataclass
class RegionStatus:
    region: AreaStatus
    children: list[AreaStatus]
    # Members based above the children's level (Polresta HQ and BKO units).
    unassigned_personnel: dict[str, int]


def _children(region: Region) -> list[tuple[str, str, str]]:
    if region.code == NATIONAL:
        return list(
            Region.objects.filter(parent__isnull=True).order_by("code").values_list("code", "name", "level")
        )
    if region.level == Region.Level.DESA:
        return [
            (code, f"TPS {number:03d}", "tps")
            for code, number in TPS.objects.filter(village=region).values_list("code", "number")
        ]
    return list(region.children.order_by("code").values_list("code", "name", "level"))


def tally_rows(model: type[Tally], code: str, child_len: int) -> QuerySet[Any]:
    """Tally rows under `code`, at the shallowest depth that still tells the children apart."""
    depth = tallies.REGENCY_LENGTH if child_len <= tallies.REGENCY_LENGTH else tallies.DISTRICT_LENGTH
    # Tally is abstract: each concrete tally has its own manager, which Django's generic code
    # reaches as _default_manager.
    return model._default_manager.filter(within_or_national("area", code), depth=depth).annotate(
        child=Substr("area", 1, child_len)
    )


def _tps_rows(code: str, child_len: int, from_tallies: bool) -> QuerySet:
    if from_tallies:
        return (
            tally_rows(TpsTally, code, child_len)
            .values("child")
            .annotate(n=Sum("tps"), voters=Sum("voters"))
        )
    return (
        TPS.objects.filter(within_or_national("code", code))
        .annotate(child=Substr("code", 1, child_len))
        .values("child")
        .annotate(n=Count("id"), voters=Sum("voters"))
    )


def _box_rows(code: str, child_len: int, from_tallies: bool) -> QuerySet:
    if from_tallies:
        return (
            tally_rows(BoxTally, code, child_len)
            .values("child", "state", "stop")
            .annotate(n=Sum("boxes"))
        )
    return (
        Box.objects.filter(within_or_national("code", code))
        .annotate(child=Substr("code", 1, child_len))
        .values("child", "state", "stop")
        .annotate(n=Count("id"))
    )


def _open_alert_rows(code: str, child_len: int, from_tallies: bool) -> QuerySet:
    if from_tallies:
        return (
            tally_rows(AlertTally, code, child_len)
            .filter(status=Alert.Status.OPEN)
            .values("child", "severity")
            .annotate(n=Sum("alerts"))
        )
    return (
        Alert.objects.filter(within_or_national("box__code", code), status=Alert.Status.OPEN)
        .annotate(child=Substr("box__code", 1, child_len))
        .values("child", "severity")
        .annotate(n=Count("id"))
    )


def region_status(
    region: Region, *, with_personnel: bool, now: datetime | None = None
) -> RegionStatus:
    children = _children(region)
    child_len = len(children[0][0]) if children else TPS_CODE_LENGTH
    by_child: dict[str, Totals] = defaultdict(Totals)

    # Children that are districts or larger are read from the per-district tallies.
    from_tallies = child_len <= tallies.DISTRICT_LENGTH
    tps_rows = _tps_rows(region.code, child_len, from_tallies)
    for row in tps_rows:
        by_child[row["child"]].tps = row["n"]
        by_child[row["child"]].voters = row["voters"] or 0

    _count_boxes(_box_rows(region.code, child_len, from_tallies), by_child)

    overdue_rows = (
        Box.objects.filter(within_or_national("code", region.code), overdue_boxes(now or timezone.now()))
        .annotate(child=Substr("code", 1, child_len))
        .values("child")
        .annotate(n=Count("id"))
    )
    for row in overdue_rows:
        by_child[row["child"]].overdue = row["n"]

    alert_rows = _open_alert_rows(region.code, child_len, from_tallies)
    for row in alert_rows:
        totals = by_child[row["child"]]
        totals.open_alerts += row["n"]
        if row["severity"] == Alert.Severity.CRITICAL:
            totals.critical_alerts += row["n"]

    unassigned = {f: 0 for f in Force.values}
    if with_personnel:
        unassigned = _count_personnel(region.code, child_len, by_child)

    child_statuses = [
        AreaStatus(code, name, level, by_child.get(code, Totals())) for code, name, level in children
    ]
    total = Totals()
    for child in child_statuses:
        _add(total, child.totals)
    for force, n in unassigned.items():
        total.personnel[force] += n
    return RegionStatus(
        region=AreaStatus(region.code, region.name, region.level, total),
        children=child_statuses,
        unassigned_personnel=unassigned,
    )


def _count_boxes(box_rows: QuerySet, by_child: dict[str, Totals]) -> None:
    for row in box_rows:
        if not row["n"]:
            continue
        totals = by_child[row["child"]]
        totals.boxes += row["n"]
        totals.boxes_by_state[row["state"]] = totals.boxes_by_state.get(row["state"], 0) + row["n"]
        for milestone in progress.reached(row["state"], row["stop"]):
            totals.reached[milestone] += row["n"]


def _count_personnel(code: str, child_len: int, by_child: dict[str, Totals]) -> dict[str, int]:
    """Members per force into each child's totals; answers those based above the children."""
    unassigned = {f: 0 for f in Force.values}
    member_rows = (
        Member.objects.filter(within_or_national("region__code", code))
        .annotate(child=Substr("region_id", 1, child_len))
        .values("child", "force")
        .annotate(n=Count("id"))
    )
    for row in member_rows:
        if len(row["child"]) == child_len:
            by_child[row["child"]].personnel[row["force"]] += row["n"]
        else:
            unassigned[row["force"]] += row["n"]
    return unassigned


def _add(into: Totals, other: Totals) -> None:
    into.tps += other.tps
    into.voters += other.voters
    into.boxes += other.boxes
    for state, n in other.boxes_by_state.items():
        into.boxes_by_state[state] = into.boxes_by_state.get(state, 0) + n
    for milestone, n in other.reached.items():
        into.reached[milestone] += n
    into.overdue += other.overdue
    into.open_alerts += other.open_alerts
    into.critical_alerts += other.critical_alerts
    for force, n in other.personnel.items():
        into.personnel[force] += n

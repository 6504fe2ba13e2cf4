"""Everything the command center's region page shows, read in a fixed number of queries.

The page and its live parts (views.py) call `region_board()`; the wall screen calls
`wall_board()`. Scope is applied by the caller (`require_region`) and again here in every
query over boxes, alerts and incidents, through the region code.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from django.db.models import Case, Count, IntegerField, Sum, Value, When
from django.db.models.functions import Substr, TruncHour
from django.utils import timezone

from kawal.command import charts, delivered_or_sealed, progress, tallies
from kawal.command.models import EventTally
from kawal.command.status import (
    RegionStatus,
    Totals,
    region_status,
    tally_rows,
    within_or_national,
)
from kawal.custody import alert_text, alerts
from kawal.custody.models import Alert, CustodyEvent
from kawal.incidents.models import Incident
from kawal.operations.models import Operation
from kawal.planning import coverage
from kawal.planning.models import Plan
from kawal.planning.service import current_plan
from kawal.territory.geometry import SvgMap, boundary_shape, svg_map
from kawal.territory.models import TPS, Region

FEED_LENGTH = 30
SEVERITY_RANK = {Alert.Severity.CRITICAL: 0, Alert.Severity.WARNING: 1, Alert.Severity.INFO: 2}
SORT_KEYS = {
    "code": lambda c: c.code,
    "name": lambda c: c.name.lower(),
    "tps": lambda c: c.totals.tps,
    "boxes": lambda c: c.totals.boxes,
    "progress": lambda c: c.totals.reached.get(c.milestone, 0) / (c.totals.boxes or 1),
    "overdue": lambda c: c.totals.overdue,
    "alerts": lambda c: (c.totals.critical_alerts, c.totals.open_alerts),
}
FILTERS = ("all", "alerts", "overdue", "behind")


@dataclass
class MapArea:
    code: str
    name: str
    path: str
    band: int
    alarm: bool  # open critical alerts
    link: bool = True


@dataclass
class MapPoint:
    code: str
    label: str
    x: float
    y: float
    band: int
    alarm: bool


@dataclass
class MapView:
    view_box: str
    areas: list[MapArea]
    points: list[MapPoint] = field(default_factory=list)
    radius: float = 0.0


@dataclass
class Row:
    """One child region (or TPS) in the progress table."""

    code: str
    name: str
    level: str
    totals: Totals
    milestone: str
    bars: list[tuple[str, str, int]]  # (milestone, label, percent)

    @property
    def band(self) -> int:
        return progress.band(self.totals.reached.get(self.milestone, 0), self.totals.boxes)


@dataclass
class Board:
    area: Region
    status: RegionStatus
    operation: Operation | None
    stage: progress.StageWindow | None
    milestone: str
    stages: list[progress.TimelineMark]
    now_at: float
    milestones: list[tuple[str, str, int, int]]  # key, label, count, percent
    milestone_heads: list[tuple[str, str, str]]  # key, short label, label: the table's columns
    rows: list[Row]
    sort: str
    filter: str
    map: MapView | None
    alerts: list[Alert]
    alerts_by_rule: charts.Bars
    incidents: list[Incident] | None
    personnel: "Planned | None"
    timeline_charts: list[tuple[str, charts.LineChart]]


def _stage_windows(operation: Operation | None) -> list[progress.StageWindow]:
    if operation is None:
        return []
    return [
        progress.StageWindow(s.kind, s.get_kind_display(), s.starts_at, s.ends_at)
        for s in operation.stages.all()
    ]


def _rows(status: RegionStatus, milestone: str, sort: str, only: str) -> list[Row]:
    rows = [
        Row(
            c.code, c.name, c.level, c.totals, milestone,
            [
                (m, str(progress.LABELS[m]), progress.percent(c.totals.reached[m], c.totals.boxes))
                for m in progress.MILESTONES
            ],
        )
        for c in status.children
    ]
    if only == "alerts":
        rows = [r for r in rows if r.totals.open_alerts]
    elif only == "overdue":
        rows = [r for r in rows if r.totals.overdue]
    elif only == "behind":
        rows = [r for r in rows if r.band < progress.BANDS]
    key = sort.lstrip("-")
    if key in SORT_KEYS:
        rows.sort(key=SORT_KEYS[key], reverse=sort.startswith("-"))
    return rows


def _map(area: Region, status: RegionStatus, milestone: str) -> MapView | None:
    by_code = {c.code: c.totals for c in status.children}

    def band(code: str) -> int:
        t = by_code.get(code)
        return progress.band(t.reached[milestone], t.boxes) if t else 0

    def alarm(code: str) -> bool:
        t = by_code.get(code)
        return bool(t and t.critical_alerts)

    if area.level != Region.Level.DESA:
        drawn = svg_map(area)
        if not drawn.shapes:
            return None
        areas = [MapArea(s.code, s.name, s.path, band(s.code), alarm(s.code)) for s in drawn.shapes]
        # Drawn last, a red edge is never hidden under a neighbour's.
        areas.sort(key=lambda a: a.alarm)
        return MapView(drawn.view_box, areas)
    # A village: its own outline among its neighbours, cropped to it, with its TPS as points.
    if area.parent is None or not area.boundary:
        return None
    district_map = svg_map(area.parent)
    view_box = _crop(district_map, area)
    tps = TPS.objects.filter(village=area).values_list("code", "number", "lat", "lng")
    width = float(view_box.split()[2])
    points = []
    for code, number, lat, lng in tps:
        x, y = district_map.project(lat, lng)
        points.append(MapPoint(code, f"TPS {number:03d}", round(x, 1), round(y, 1), band(code),
                               alarm(code)))
    areas = [
        MapArea(s.code, s.name, s.path, 0, False, link=s.code != area.code)
        for s in district_map.shapes
    ]
    return MapView(view_box, areas, points, radius=round(width / 90, 2))


def _crop(district_map: SvgMap, village: Region) -> str:
    minx, miny, maxx, maxy = boundary_shape(village).bounds
    x0, y0 = district_map.project(maxy, minx)
    x1, y1 = district_map.project(miny, maxx)
    pad = 0.08 * max(x1 - x0, y1 - y0)
    return f"{x0 - pad:.1f} {y0 - pad:.1f} {x1 - x0 + 2 * pad:.1f} {y1 - y0 + 2 * pad:.1f}"


def alert_feed(area_code: str, limit: int = FEED_LENGTH) -> list[Alert]:
    """Open and acknowledged alerts in a region: critical first, then newest first."""
    rank = Case(
        *(When(severity=s, then=Value(r)) for s, r in SEVERITY_RANK.items()),
        default=Value(9),
        output_field=IntegerField(),
    )
    return list(
        Alert.objects.filter(
            within_or_national("box__code", area_code),
            status__in=(Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED),
        )
        .select_related("box", "event", "handled_by")
        .annotate(rank=rank)
        # "open" sorts after "acknowledged": descending puts open alerts first.
        .order_by("-status", "rank", "-raised_at", "-id")[:limit]
    )


def alerts_by_rule(area_code: str) -> charts.Bars:
    rows = (
        Alert.objects.filter(within_or_national("box__code", area_code))
        .values("rule", "status")
        .annotate(n=Count("id"))
    )
    counts: dict[str, dict[str, int]] = defaultdict(dict)
    for row in rows:
        counts[alert_text.rule_label(row["rule"])][row["status"]] = row["n"]
    return charts.bars(
        counts, order=list(Alert.Status.values),
        words={value: str(label) for value, label in Alert.Status.choices},
    )  # fmt: skip


def incident_feed(area_code: str, limit: int = FEED_LENGTH) -> list[Incident]:
    """Incidents in a region: escalated critical ones first, then newest first."""
    return list(Incident.objects.filter(within_or_national("region__code", area_code)).for_feed()[:limit])


def _timeline_charts(
    area: Region, status: RegionStatus, stages: list[progress.StageWindow], now: datetime
) -> list[tuple[str, charts.LineChart]]:
    """Boxes delivered to TPS and boxes sealed over time, one line per child region."""
    if not status.children or area.level == Region.Level.DESA:
        return []
    child_len = len(status.children[0].code)
    if child_len <= tallies.DISTRICT_LENGTH:
        events = (
            tally_rows(EventTally, area.code, child_len)
            .values("child", "kind", "hour")
            .annotate(n=Sum("events"))
        )
    else:
        events = (
            CustodyEvent.objects.filter(within_or_national("box__code", area.code))
            .filter(delivered_or_sealed.matches())
            .annotate(child=Substr("box__code", 1, child_len), hour=TruncHour("occurred_at"))
            .values("child", "kind", "hour")
            .annotate(n=Count("id"))
        )
    series: dict[str, dict[str, list[tuple[datetime, int]]]] = {
        CustodyEvent.Kind.ARRIVED: defaultdict(list),
        CustodyEvent.Kind.SEALED: defaultdict(list),
    }
    for row in events:
        if row["n"]:
            series[row["kind"]][row["child"]].append((row["hour"], row["n"]))
    names = {c.code: c.name for c in status.children}
    hours = [h for by_child in series.values() for rows in by_child.values() for h, _ in rows]
    if not hours:
        return []
    live = bool(stages) and min(s.starts_at for s in stages) <= now <= max(s.ends_at for s in stages)
    start, end = charts.window(min(hours), max(hours), now if live else None)
    result = []
    for kind, title in (
        (CustodyEvent.Kind.ARRIVED, progress.LABELS[progress.DELIVERED]),
        (CustodyEvent.Kind.SEALED, progress.LABELS[progress.SEALED]),
    ):
        if not series[kind]:
            continue
        result.append(
            (str(title), charts.cumulative_lines(series[kind], names, start, end))
        )
    return result


@dataclass
class Planned:
    plan: Plan
    districts: list[coverage.Area]
    total: coverage.Area


def planned(plan: Plan, area: Region, status: RegionStatus) -> Planned:
    """The plan's staffing per child area (districts at the finest), from planning's coverage."""
    child_len = min(
        len(status.children[0].code) if status.children else coverage.DISTRICT_LENGTH,
        coverage.DISTRICT_LENGTH,
    )
    names = {c.code: c.name for c in status.children}
    table = coverage.staffing(plan, area)
    return Planned(
        plan,
        [
            coverage.Area.of(staffing, code=code, name=names.get(code, area.name))
            for code, staffing in table.by_area(child_len).items()
        ],
        coverage.Area.of(table.total(), code=area.code, name=area.name),
    )


def staffing_of(area: Region, operation: Operation | None, status: RegionStatus) -> Planned | None:
    """The plan's staffing and who is on post per child area, where a plan covers the area
    (none for a village: a plan's posts are per district)."""
    if operation is None or area.level == Region.Level.DESA:
        return None
    plan = current_plan(operation)
    return planned(plan, area, status) if plan is not None else None


def on_post(area: Region, status: RegionStatus) -> dict[str, dict[str, int]]:
    """Members on post per force (coverage.Figures.on_post), for the area and each child
    area the plan reaches, by code: empty where no plan covers the area."""
    staffing = staffing_of(area, Operation.objects.covering(area.code).first(), status)
    if staffing is None:
        return {}
    return {
        a.code: {f: figures.on_post for f, figures in a.forces.items()}
        for a in (staffing.total, *staffing.districts)
    }


def region_board(
    area: Region, *, with_personnel: bool, sort: str = "code", only: str = "all",
    now: datetime | None = None,
) -> Board:
    now = now or timezone.now()
    operation = Operation.objects.covering(area.code).prefetch_related("stages").first()
    windows = _stage_windows(operation)
    stage = progress.current_stage(windows, now)
    milestone = progress.STAGE_MILESTONE.get(stage.kind, progress.DELIVERED) if stage else (
        progress.DELIVERED
    )
    marks, now_at = progress.timeline(windows, now)
    status = region_status(area, with_personnel=with_personnel, now=now)
    totals = status.region.totals
    personnel = staffing_of(area, operation, status) if with_personnel else None
    return Board(
        area=area,
        status=status,
        operation=operation,
        stage=stage,
        milestone=milestone,
        stages=marks,
        now_at=now_at,
        milestones=[
            (
                m, str(progress.LABELS[m]), totals.reached[m],
                progress.percent(totals.reached[m], totals.boxes),
            )
            for m in progress.MILESTONES
        ],
        milestone_heads=[
            (m, str(progress.SHORT_LABELS[m]), str(progress.LABELS[m]))
            for m in progress.MILESTONES
        ],
        rows=_rows(status, milestone, sort if sort.lstrip("-") in SORT_KEYS else "code",
                   only if only in FILTERS else "all"),
        sort=sort,
        filter=only,
        map=_map(area, status, milestone),
        alerts=alerts.readable(alert_feed(area.code), lambda _box: with_personnel),
        alerts_by_rule=alerts_by_rule(area.code),
        incidents=incident_feed(area.code),
        personnel=personnel,
        timeline_charts=_timeline_charts(area, status, windows, now),
    )


@dataclass
class WallBoard:
    board: Board
    focus: Row | None  # the district on screen now
    rotation: list[str]  # districts with open alerts, in the order the screen cycles
    focus_alerts: list[Alert]

    @property
    def position(self) -> int:
        return self.rotation.index(self.focus.code) + 1 if self.focus else 0


def next_in_rotation(rotation: list[str], current: str | None) -> str | None:
    if not rotation:
        return None
    if current not in rotation:
        return rotation[0]
    return rotation[(rotation.index(current) + 1) % len(rotation)]


def wall_board(area: Region, *, with_personnel: bool, after: str | None) -> WallBoard:
    """The wall screen: the region's board, focused on the next district with open alerts."""
    board = region_board(area, with_personnel=with_personnel, sort="-alerts")
    rotation = [r.code for r in board.rows if r.totals.open_alerts]
    focus_code = next_in_rotation(rotation, after)
    focus = next((r for r in board.rows if r.code == focus_code), None)
    focus_alerts = [a for a in board.alerts if focus_code and a.box.code.startswith(focus_code)]
    return WallBoard(board, focus, rotation, focus_alerts)

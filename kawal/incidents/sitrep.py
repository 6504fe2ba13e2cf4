"""The situation report (laporan situasi): every figure, for a region and each of its districts.

Read only; reporting.py takes the ledger checkpoint and prints it. Sections follow Polri's
daily report: the operation and stage with the window covered, personnel strength against
plan by force, custody progress per milestone (with boxes overdue and not yet sealed), alerts
(opened, acknowledged, resolved; the critical ones written out), incidents by category (the
notable ones written out with the actions taken), and a map of districts shaded by trouble.

Counts of alerts and incidents are of the window; the boxes' states, the open alerts and the
plan are as they stand when the report is made.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Count, Sum
from django.db.models.functions import Substr
from django.utils import timezone

from kawal.command import progress
from kawal.command.status import AreaStatus, region_status
from kawal.custody.models import Alert
from kawal.custody.states import UNSEALED_STATES
from kawal.incidents.models import Incident, IncidentStep
from kawal.operations.models import Operation, Stage
from kawal.planning import coverage
from kawal.planning.coverage import Figures, per_force
from kawal.planning.models import Plan
from kawal.planning.service import current_plan
from kawal.territory.codes import within
from kawal.territory.geometry import svg_map
from kawal.territory.models import Region

WIB = ZoneInfo("Asia/Jakarta")
DISTRICT_LENGTH = len("35.10.01")
NOTABLE = (Incident.Severity.HIGH, Incident.Severity.CRITICAL)
WRITTEN_OUT = 60  # critical alerts and notable incidents written out, at most
# Polri's daily report groups kamtibmas disturbances, then traffic accidents and protests;
# the election's own categories follow.
CATEGORY_GROUPS = (
    ("kamtibmas", ("crime", "violation", "disturbance", "natural_disaster")),
    ("traffic", ("traffic_accident",)),
    ("protest", ("protest",)),
    ("election", ("money_politics", "intimidation", "logistics", "tps_disturbance",
                  "recap_disturbance")),
)  # fmt: skip
CATEGORIES = tuple(c for _, cs in CATEGORY_GROUPS for c in cs)


@dataclass(frozen=True)
class Window:
    starts_at: datetime
    ends_at: datetime
    stage: Stage | None  # the stage the report speaks for (personnel is that stage's)


def window_for(
    operation: Operation | None, *, day: date | None = None, stage: str | None = None,
    now: datetime,
) -> Window:  # fmt: skip
    """A stage's whole window; a day in WIB, midnight to midnight; else today so far."""
    stages = list(operation.stages.all()) if operation else []
    if stage is not None:
        chosen = next((s for s in stages if s.kind == stage), None)
        if chosen is None:
            raise ValueError(f"stage {stage!r} is not a stage of the operation")
        return Window(chosen.starts_at, chosen.ends_at, chosen)
    if day is None:
        day = timezone.localtime(now, WIB).date()
        starts, ends = datetime.combine(day, time(), WIB), now
    else:
        starts = datetime.combine(day, time(), WIB)
        ends = starts + timedelta(days=1)
    windows = [progress.StageWindow(s.kind, s.get_kind_display(), s.starts_at, s.ends_at)
               for s in stages]  # fmt: skip
    current = progress.current_stage(windows, ends - timedelta(seconds=1))
    return Window(
        starts, ends, next((s for s in stages if current and s.kind == current.kind), None)
    )


@dataclass
class AreaFigures:
    """One row of the report: the region itself, or one of its districts."""

    code: str
    name: str
    boxes: int = 0
    reached: dict[str, int] = field(default_factory=dict)
    overdue: int = 0
    not_sealed: int = 0
    open_alerts: int = 0
    alerts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(Alert.Status.values, 0))
    incidents: dict[str, int] = field(default_factory=lambda: dict.fromkeys(CATEGORIES, 0))
    dead: int = 0
    injured: int = 0
    strength: dict[str, Figures] = field(default_factory=per_force)

    @property
    def alerts_opened(self) -> int:
        return sum(self.alerts.values())

    @property
    def incident_total(self) -> int:
        return sum(self.incidents.values())

    def group(self, categories: tuple[str, ...]) -> int:
        return sum(self.incidents[c] for c in categories)


@dataclass
class Shade:
    code: str
    name: str
    path: str
    trouble: int  # open alerts now + incidents in the window
    band: int  # 0 (none) to 4


@dataclass
class Sitrep:
    region: Region
    operation: Operation | None
    plan: Plan | None
    window: Window
    made_at: datetime
    total: AreaFigures
    districts: list[AreaFigures]
    critical_alerts: list[Alert]
    notable_incidents: list[tuple[Incident, list[IncidentStep]]]
    map_view_box: str = ""
    map: list[Shade] = field(default_factory=list)

    @property
    def rows(self) -> list[AreaFigures]:
        return [*self.districts, self.total]


def _custody(row: AreaFigures, status: AreaStatus) -> None:
    t = status.totals
    row.boxes, row.reached, row.overdue = t.boxes, t.reached, t.overdue
    row.open_alerts = t.open_alerts
    row.not_sealed = sum(t.boxes_by_state.get(s, 0) for s in UNSEALED_STATES)


def _alerts(rows: dict[str, AreaFigures], region: str, window: Window) -> None:
    counts = (
        Alert.objects.filter(
            within("box__code", region),
            raised_at__gte=window.starts_at,
            raised_at__lt=window.ends_at,
        )
        .annotate(district=Substr("box__code", 1, DISTRICT_LENGTH))
        .values("district", "status")
        .annotate(n=Count("id"))
    )
    for r in counts:
        for code in {region, r["district"]}:
            if code in rows:
                rows[code].alerts[r["status"]] += r["n"]


def _incidents(rows: dict[str, AreaFigures], region: str, window: Window) -> None:
    counts = (
        Incident.objects.filter(
            within("region__code", region),
            occurred_at__gte=window.starts_at,
            occurred_at__lt=window.ends_at,
        )
        .annotate(district=Substr("region_id", 1, DISTRICT_LENGTH))
        .values("district", "category")
        .annotate(n=Count("id"), dead=Sum("dead"), injured=Sum("injured"))
    )
    for r in counts:
        for code in {region, r["district"]}:
            if code in rows:
                rows[code].incidents[r["category"]] += r["n"]
                rows[code].dead += r["dead"] or 0
                rows[code].injured += r["injured"] or 0


def _strength(rows: dict[str, AreaFigures], region: str, plan: Plan, stage: str) -> None:
    """The plan's staffing of the stage per district and force, from planning's coverage."""
    table = coverage.staffing(plan, Region.objects.get(code=region), stage=stage)
    cells = {region: table.total(stage=stage), **table.by_area(stage=stage)}
    for code, staffing in cells.items():
        if code in rows:
            rows[code].strength = staffing.forces


def _written_out(region: str, window: Window):
    critical = list(
        Alert.objects.filter(within("box__code", region), severity=Alert.Severity.CRITICAL,
                             raised_at__gte=window.starts_at, raised_at__lt=window.ends_at)
        .select_related("box").order_by("raised_at", "id")[:WRITTEN_OUT]
    )  # fmt: skip
    notable = list(
        Incident.objects.filter(within("region__code", region), severity__in=NOTABLE,
                                occurred_at__gte=window.starts_at, occurred_at__lt=window.ends_at)
        .select_related("region", "tps").order_by("occurred_at")[:WRITTEN_OUT]
    )  # fmt: skip
    steps: dict = defaultdict(list)
    for step in IncidentStep.objects.filter(incident__in=notable).exclude(action="report"):
        steps[step.incident_id].append(step)
    return critical, [(i, steps[i.pk]) for i in notable]


def _village_trouble(district: str, length: int, window: Window) -> dict[str, int]:
    trouble: dict[str, int] = defaultdict(int)
    open_alerts = (
        Alert.objects.filter(within("box__code", district), status=Alert.Status.OPEN)
        .annotate(child=Substr("box__code", 1, length))
        .values("child")
        .annotate(n=Count("id"))
    )
    for r in open_alerts:
        trouble[r["child"]] += r["n"]
    incidents = (
        Incident.objects.filter(
            within("region__code", district),
            occurred_at__gte=window.starts_at,
            occurred_at__lt=window.ends_at,
        )
        .annotate(child=Substr("region_id", 1, length))
        .values("child")
        .annotate(n=Count("id"))
    )
    for r in incidents:
        trouble[r["child"]] += r["n"]
    return trouble


def _shades(region: Region, rows: list[AreaFigures], window: Window) -> tuple[str, list[Shade]]:
    """The region's children on its map, shaded by open alerts now and incidents in the window:
    the districts of a regency (its report's rows), or the villages of a district."""
    drawn = svg_map(region)
    if not drawn.shapes:
        return "", []
    if rows:
        trouble = {r.code: r.open_alerts + r.incident_total for r in rows}
    else:
        trouble = _village_trouble(region.code, len(drawn.shapes[0].code), window)
    worst = max((trouble.get(s.code, 0) for s in drawn.shapes), default=0)
    shades = []
    for s in drawn.shapes:
        n = trouble.get(s.code, 0)
        shades.append(Shade(s.code, s.name, s.path, n, 1 + (3 * n) // (worst + 1) if n else 0))
    return drawn.view_box, shades


def figures(region: Region, window: Window, *, now: datetime) -> Sitrep:
    """Every figure of the report for `region` (a regency or a district) over `window`."""
    if region.level not in (Region.Level.KABUPATEN, Region.Level.KECAMATAN):
        raise ValueError(f"region {region.code}: a sitrep is made for a regency or a district")
    operation = Operation.objects.covering(region.code).prefetch_related("stages").first()
    status = region_status(region, with_personnel=False, now=now)
    total = AreaFigures(region.code, region.name)
    _custody(total, status.region)
    districts = []
    if region.level == Region.Level.KABUPATEN:
        for child in status.children:
            row = AreaFigures(child.code, child.name)
            _custody(row, child)
            districts.append(row)
    rows = {r.code: r for r in (total, *districts)}
    _alerts(rows, region.code, window)
    _incidents(rows, region.code, window)
    plan = current_plan(operation) if operation else None
    if plan is not None and window.stage is not None:
        _strength(rows, region.code, plan, window.stage.kind)
    critical, notable = _written_out(region.code, window)
    view_box, shades = _shades(region, districts, window)
    return Sitrep(region, operation, plan, window, now, total, districts, critical, notable,
                  view_box, shades)  # fmt: skip


def next_stage(operation: Operation | None, stage: Stage | None) -> Stage | None:
    """The stage that starts after `stage` (the first one when there is none yet)."""
    if operation is None:
        return None
    stages = sorted(operation.stages.all(), key=lambda s: (s.starts_at, s.order))
    if stage is None:
        return stages[0] if stages else None
    later = [s for s in stages if (s.starts_at, s.order) > (stage.starts_at, stage.order)]
    return later[0] if later else None


def readiness(report: Sitrep, stage: Stage) -> list[AreaFigures]:
    """The plan's staffing of a coming stage, per district and in total (the last row)."""
    districts = [AreaFigures(d.code, d.name) for d in report.districts]
    total = AreaFigures(report.region.code, report.region.name)
    if report.plan is not None:
        rows = {r.code: r for r in (total, *districts)}
        _strength(rows, report.region.code, report.plan, stage.kind)
    return [*districts, total]

"""Server-drawn SVG charts: geometry only, from plain data. Templates draw the shapes.

No inline styles (the CSP forbids them): colours come from CSS classes on the shapes.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")
WIDTH, HEIGHT = 600.0, 220.0
LEFT, RIGHT, TOP, BOTTOM = 44.0, 10.0, 10.0, 26.0
PALETTE = 8  # line-0 … line-7 in kawal.css
LEGEND = 8


@dataclass(frozen=True)
class Line:
    code: str
    name: str
    points: str  # SVG polyline points
    total: int
    css: str


@dataclass(frozen=True)
class LineChart:
    width: float
    height: float
    lines: tuple[Line, ...]
    x_ticks: tuple[tuple[float, str], ...]
    y_ticks: tuple[tuple[float, str], ...]
    plot: tuple[float, float, float, float]  # left, top, right, bottom

    @property
    def leaders(self) -> list[Line]:
        """The lines with the highest totals, for the legend."""
        return sorted(self.lines, key=lambda line: (-line.total, line.name))[:LEGEND]

    @property
    def unlisted(self) -> int:
        return max(len(self.lines) - LEGEND, 0)


MIN_SPAN = timedelta(hours=6)


def window(first: datetime, last: datetime, now: datetime | None) -> tuple[datetime, datetime]:
    """The time axis: from the first hour with data to now while the operation runs (pass
    `now`), else to the last hour with data; never shorter than MIN_SPAN."""
    start = first - timedelta(hours=1)
    end = now if now is not None and now > last else last + timedelta(hours=1)
    return start, max(end, start + MIN_SPAN)


def _nice_max(value: int) -> int:
    if value <= 5:
        return 5
    magnitude = 10 ** (len(str(value)) - 1)
    for step in (1, 2, 5, 10):
        if value <= step * magnitude:
            return step * magnitude
    return 10 * magnitude


def cumulative_lines(
    series: Mapping[str, Sequence[tuple[datetime, int]]],
    names: Mapping[str, str],
    start: datetime,
    end: datetime,
) -> LineChart:
    """One step line per code: the running total of counts per hour, from start to end."""
    span = max((end - start).total_seconds(), 1.0)
    running: dict[str, list[tuple[datetime, int]]] = {}
    for code, counts in series.items():
        total = 0
        steps = []
        for hour, n in sorted(counts):
            total += n
            steps.append((hour, total))
        running[code] = steps
    top = _nice_max(max((s[-1][1] for s in running.values() if s), default=0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(t: datetime) -> float:
        fraction = min(max((t - start).total_seconds() / span, 0.0), 1.0)
        return round(LEFT + plot_w * fraction, 1)

    def y(v: int) -> float:
        return round(TOP + plot_h * (1 - v / top), 1)

    lines = []
    for i, code in enumerate(sorted(running)):
        steps = running[code]
        points = [(x(start), y(0))]
        previous = 0
        for hour, total in steps:
            points.append((x(hour), y(previous)))
            points.append((x(hour), y(total)))
            previous = total
        points.append((x(end), y(previous)))
        lines.append(
            Line(
                code, names.get(code, code), " ".join(f"{px},{py}" for px, py in points),
                previous, f"line-{i % PALETTE}",
            )
        )
    x_ticks = _time_ticks(start, end, span, x)
    y_ticks = tuple((y(v), f"{v:,}".replace(",", ".")) for v in (0, top // 2, top))
    return LineChart(
        WIDTH, HEIGHT, tuple(lines), tuple(x_ticks), y_ticks,
        (LEFT, TOP, WIDTH - RIGHT, HEIGHT - BOTTOM),
    )


def _time_ticks(
    start: datetime, end: datetime, span: float, x: Callable[[datetime], float]
) -> list[tuple[float, str]]:
    """The time axis's ticks: every six hours over short spans, the day named where it
    starts; over longer ones, midnights labelled with the day."""
    if span <= 2 * 86400:
        step, label, dated = timedelta(hours=6), "%H:00", "%d/%m %H:00"
        tick = start.astimezone(WIB).replace(minute=0, second=0, microsecond=0)
        tick += timedelta(hours=(6 - tick.hour % 6) % 6)
    else:
        step, label = timedelta(days=max(int(span // 86400) // 6, 1)), "%d/%m"
        dated = label
        tick = start.astimezone(WIB).replace(hour=0, minute=0, second=0, microsecond=0)
    if tick < start:
        tick += step
    ticks, day = [], None
    while tick <= end:
        local = tick.astimezone(WIB)
        ticks.append((x(tick), local.strftime(label if local.date() == day else dated)))
        day = local.date()
        tick += step
    return ticks


@dataclass(frozen=True)
class Segment:
    key: str
    count: int
    x: float
    width: float
    label: str  # the key in words


@dataclass(frozen=True)
class Bar:
    label: str
    total: int
    y: float
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class Bars:
    width: float
    height: float
    bars: tuple[Bar, ...]
    label_width: float


BAR_HEIGHT, BAR_GAP, LABEL_WIDTH = 18.0, 6.0, 130.0


def bars(
    counts: Mapping[str, Mapping[str, int]],
    order: Sequence[str],
    words: Mapping[str, str] | None = None,
) -> Bars:
    """Horizontal stacked bars, one per label, segments in `order`, longest bar first;
    `words` names the segments' keys (each key names itself where it has none)."""
    words = words or {}
    totals = {label: sum(parts.values()) for label, parts in counts.items()}
    top = max(totals.values(), default=0) or 1
    plot_w = WIDTH - LABEL_WIDTH - 50
    result = []
    for i, label in enumerate(sorted(totals, key=lambda k: (-totals[k], k))):
        x = LABEL_WIDTH
        segments = []
        for key in order:
            n = counts[label].get(key, 0)
            if n:
                w = round(plot_w * n / top, 1)
                segments.append(Segment(key, n, round(x, 1), w, words.get(key, key)))
                x += w
        result.append(Bar(label, totals[label], i * (BAR_HEIGHT + BAR_GAP), tuple(segments)))
    height = max(len(result) * (BAR_HEIGHT + BAR_GAP), BAR_HEIGHT)
    return Bars(WIDTH, height, tuple(result), LABEL_WIDTH)

"""The server-drawn SVG charts: geometry from plain data."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kawal.command import charts

WIB = ZoneInfo("Asia/Jakarta")
START = datetime(2024, 11, 27, tzinfo=WIB)


def _points(line: charts.Line) -> list[tuple[float, float]]:
    return [tuple(map(float, p.split(","))) for p in line.points.split()]


def test_a_line_climbs_to_its_running_total_and_never_falls():
    series = {"35.10.01": [(START + timedelta(hours=5), 3), (START + timedelta(hours=2), 4)]}
    chart = charts.cumulative_lines(series, {"35.10.01": "Pesanggaran"}, START, START + timedelta(days=2))
    (line,) = chart.lines
    assert line.total == 7 and line.name == "Pesanggaran"
    ys = [y for _, y in _points(line)]
    assert ys == sorted(ys, reverse=True)  # SVG y grows downwards: climbing means smaller y
    xs = [x for x, _ in _points(line)]
    assert xs == sorted(xs)
    assert xs[0] == chart.plot[0] and xs[-1] == chart.plot[2]


def test_the_axis_is_labelled_in_wib_days():
    chart = charts.cumulative_lines({}, {}, START, START + timedelta(days=3))
    assert [label for _, label in chart.x_ticks] == ["27/11", "28/11", "29/11", "30/11"]
    assert chart.lines == ()


def test_rule_bars_put_the_largest_first_and_stack_statuses_in_order():
    result = charts.bars(
        {"escort": {"open": 2, "resolved": 1}, "seal_mismatch": {"acknowledged": 5}},
        order=["open", "acknowledged", "resolved"],
    )
    assert [b.label for b in result.bars] == ["seal_mismatch", "escort"]
    escort = result.bars[1]
    assert [s.key for s in escort.segments] == ["open", "resolved"]
    assert escort.segments[1].x == escort.segments[0].x + escort.segments[0].width


def test_the_time_axis_runs_from_the_first_data_to_now_while_live_else_to_the_last_data():
    first, last = START, START + timedelta(hours=30)
    now = START + timedelta(days=2)
    assert charts.window(first, last, now) == (first - timedelta(hours=1), now)
    assert charts.window(first, last, None) == (first - timedelta(hours=1), last + timedelta(hours=1))
    short = charts.window(first, first, None)
    assert short[1] - short[0] == charts.MIN_SPAN


def test_a_short_axis_is_labelled_every_six_hours_in_wib_with_the_day_where_it_starts():
    chart = charts.cumulative_lines({}, {}, START + timedelta(hours=1), START + timedelta(hours=40))
    labels = [label for _, label in chart.x_ticks]
    assert labels == ["27/11 06:00", "12:00", "18:00", "28/11 00:00", "06:00", "12:00"]


def test_the_legend_names_the_lines_with_the_highest_totals_first():
    series = {f"35.10.{i:02d}": [(START, i)] for i in range(1, 12)}
    chart = charts.cumulative_lines(series, {}, START, START + timedelta(days=1))
    assert [line.total for line in chart.leaders] == [11, 10, 9, 8, 7, 6, 5, 4]

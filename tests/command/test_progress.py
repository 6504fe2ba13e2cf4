"""Milestones, the current stage and the map's colour bands: pure rules, no database."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given
from hypothesis import strategies as st

from kawal.command import progress
from kawal.command.progress import StageWindow
from kawal.custody.models import Box

S = Box.State
WIB = ZoneInfo("Asia/Jakarta")


def day(d: int, hour: int = 0) -> datetime:
    return datetime(2024, 11, d, hour, tzinfo=WIB)


STAGES = [
    StageWindow("distribution", "distribution", day(23), day(27)),
    StageWindow("quiet", "quiet", day(24), day(27)),
    StageWindow("voting", "voting", day(27), day(28)),
    StageWindow("return", "return", day(27), day(29)),
]


def test_a_box_in_the_warehouse_or_on_its_way_out_has_reached_nothing():
    for state in (S.AT_KPU_WAREHOUSE, S.IN_TRANSIT, S.AT_PPK, S.AT_PPS):
        assert progress.reached(state, "pps") == ()


def test_a_sealed_box_was_delivered_and_opened_before():
    assert progress.reached(S.SEALED, "tps") == ("delivered", "opened", "sealed")


def test_a_returning_box_counts_as_handed_to_pps_only_once_it_arrived_there():
    assert "at_pps" not in progress.reached(S.RETURNING, "tps")
    assert "at_pps" in progress.reached(S.RETURNING, "pps")
    assert "at_ppk" in progress.reached(S.RETURNING, "ppk")
    assert progress.reached(S.AT_KPU, "kpu") == progress.MILESTONES


@given(st.sampled_from(S.values), st.sampled_from(["kpu", "ppk", "pps", "tps"]))
def test_milestones_are_always_a_prefix_of_the_chain(state, stop):
    got = progress.reached(state, stop)
    assert got == progress.MILESTONES[: len(got)]


def test_the_current_stage_is_the_latest_started_of_those_running():
    assert progress.current_stage(STAGES, day(25)).kind == "quiet"
    assert progress.current_stage(STAGES, day(28, 10)).kind == "return"


def test_of_two_stages_starting_together_the_one_ending_first_leads():
    assert progress.current_stage(STAGES, day(27, 20)).kind == "voting"
    assert progress.current_stage(STAGES, day(23, 9)).kind == "distribution"


def test_before_the_operation_the_first_stage_leads_and_after_it_the_last():
    assert progress.current_stage(STAGES, day(1)).kind == "distribution"
    assert progress.current_stage(STAGES, day(30)).kind == "return"
    assert progress.current_stage([], day(1)) is None


def test_the_timeline_places_now_and_marks_the_current_stage():
    marks, now_at = progress.timeline(STAGES, day(26))
    assert now_at == 50.0  # 23 Nov to 29 Nov, now on the 26th
    assert [m.stage.kind for m in marks if m.current] == ["quiet"]
    assert marks[0].left == 0 and marks[-1].left + marks[-1].width == 100
    assert progress.timeline(STAGES, day(23) - timedelta(days=3))[1] == 0.0
    assert progress.timeline(STAGES, day(30))[1] == 100.0


def test_colour_bands_run_from_none_to_all():
    assert progress.band(0, 10) == 0
    assert progress.band(0, 0) == 0
    assert progress.band(10, 10) == progress.BANDS
    assert 1 <= progress.band(1, 100) < progress.band(99, 100) < progress.BANDS

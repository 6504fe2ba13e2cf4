from collections import Counter
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kawal.planning.inputs import days
from kawal.planning.posts import (
    DEFAULT_PATTERNS,
    Pattern,
    Place,
    TpsPoint,
    group_tps,
    stage_posts,
    tps_posts,
)


def test_a_pattern_reads_polri_tps_linmas():
    assert Pattern.parse("2-6-12", tni=1) == Pattern(2, 6, 12, 1)
    assert str(Pattern.parse(" 1–5–10 ")) == "1-5-10"


@pytest.mark.parametrize("text", ["1-5", "a-5-10", "1-0-2", "0-5-10", "1-5-10-2"])
def test_it_rejects_a_malformed_pattern_quoting_it(text):
    with pytest.raises(ValueError, match="pattern"):
        Pattern.parse(text)


def test_linmas_follow_the_pattern_ratio_per_tps():
    assert Pattern(1, 5, 10).linmas_for(3) == 6
    assert Pattern(2, 6, 12).linmas_for(5) == 10


def _village(code: str, n: int, lat: float, lng: float, category="kurang_rawan"):
    return [
        TpsPoint(f"{code}-{i:03d}", lat + i * 0.001, lng, category) for i in range(1, n + 1)
    ]


def test_a_village_is_cut_into_full_posts_before_anything_is_shared():
    points = _village("35.10.01.2001", 10, -8.6, 114.0)
    groups = group_tps(points, 5)
    assert sorted(len(g) for g in groups) == [5, 5]
    assert all(len({p.village for p in g}) == 1 for g in groups)


def test_small_leftovers_join_a_nearby_village_of_the_same_district():
    points = _village("35.10.01.2001", 7, -8.6, 114.0) + _village("35.10.01.2002", 3, -8.61, 114.0)
    groups = group_tps(points, 5)
    assert sorted(len(g) for g in groups) == [5, 5]
    shared = [g for g in groups if len({p.village for p in g}) == 2]
    assert len(shared) == 1


def test_far_apart_leftovers_get_posts_of_their_own():
    points = _village("35.10.01.2001", 2, -8.6, 114.0) + _village("35.10.01.2002", 2, -8.9, 114.0)
    assert sorted(len(g) for g in group_tps(points, 5)) == [2, 2]


def test_grouping_refuses_tps_of_two_districts():
    points = _village("35.10.01.2001", 2, -8.6, 114.0) + _village("35.10.02.2001", 2, -8.6, 114.0)
    with pytest.raises(ValueError, match="one district"):
        group_tps(points, 5)


villages = st.lists(
    st.tuples(
        st.integers(1, 3),  # district
        st.integers(1, 12),  # TPS in the village
        st.floats(-8.8, -8.0),
        st.floats(113.9, 114.5),
        st.sampled_from(list(DEFAULT_PATTERNS)),
    ),
    min_size=1,
    max_size=12,
)


@settings(max_examples=60, deadline=None)
@given(villages)
def test_every_tps_lands_in_exactly_one_post_within_its_district_and_pattern(spec):
    points = []
    for n, (district, count, lat, lng, category) in enumerate(spec):
        code = f"35.10.{district:02d}.{2001 + n}"
        points += _village(code, count, lat, lng, category)
    posts = tps_posts(points, DEFAULT_PATTERNS, {})
    seen = Counter(code for post in posts for code in post.tps)
    assert seen == Counter(p.code for p in points)
    for post in posts:
        pattern = DEFAULT_PATTERNS[post.category]
        assert {code[:8] for code in post.tps} == {post.district}
        assert 1 <= len(post.tps) <= pattern.tps
        assert post.polri == pattern.polri and post.tni == pattern.tni
        assert post.linmas == sum(post.linmas_by_village.values())
        assert set(post.linmas_by_village) == {code[:13] for code in post.tps}


def test_stages_get_escorts_warehouse_watches_patrols_and_reserves():
    districts = [Place("35.10.01", "Pesanggaran", -8.5, 114.0), Place("35.10.14", "Kabat", -8.3, 114.3)]
    villages = [Place("35.10.01.2001", "Sumberagung", -8.55, 114.0)]
    points = _village("35.10.01.2001", 3, -8.56, 114.0)
    posts = stage_posts(
        ["distribution", "voting", "return", "recap_ppk", "recap_kpu"], districts, villages,
        districts[1], points,
    )
    kinds = Counter((p.stage, p.kind) for p in posts)
    assert kinds[("distribution", "warehouse")] == 3 * 3  # KPU and two PPK, three watches each
    assert kinds[("voting", "patrol")] == 2 and kinds[("voting", "reserve")] == 2
    village_escort = next(p for p in posts if p.code == "35.10.01.2001-KAWAL-PPK-PPS")
    # PPK → PPS, then PPS → each of the village's three TPS
    assert [leg.start for leg in village_escort.route][:2] == ["35.10.01", "35.10.01.2001"]
    assert len(village_escort.route) == 4
    assert all(p.code.startswith(p.district) for p in posts)


def test_a_warehouse_watch_is_named_with_its_hours_and_its_stages_days():
    districts = [
        Place("35.10.01", "Pesanggaran", -8.5, 114.0), Place("35.10.14", "Kabat", -8.3, 114.3)
    ]
    posts = stage_posts(
        ["distribution"], districts, [], districts[1], [], {"distribution": "23/11–26/11"}
    )
    watches = [p.name for p in posts if p.kind == "warehouse"]
    assert "Jaga gudang KPU Kabat (00.00–08.00, 23/11–26/11)" in watches
    assert "Jaga gudang PPK Pesanggaran (16.00–24.00, 23/11–26/11)" in watches


def test_a_stages_days_end_the_day_before_a_midnight_end():
    wib = ZoneInfo("Asia/Jakarta")

    def day(d: int) -> datetime:
        return datetime(2024, 11, d, tzinfo=wib)

    assert days(day(23), day(27), "Asia/Jakarta") == "23/11–26/11"
    assert days(day(27), day(28), "Asia/Jakarta") == "27/11"

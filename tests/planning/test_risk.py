import pytest
from hypothesis import given
from hypothesis import strategies as st

from kawal.planning.risk import (
    INDICATOR_WEIGHTS,
    ORDER,
    IncidentPoint,
    incidents_near,
    suggested_category,
)


def test_a_tps_without_indicators_is_kurang_rawan():
    assert suggested_category([]) == "kurang_rawan"


def test_one_infrastructure_gap_alone_does_not_make_a_tps_rawan():
    assert suggested_category(["no_internet"]) == "kurang_rawan"


def test_a_history_of_violence_makes_a_tps_rawan():
    assert suggested_category(["violence_history"]) == "rawan"


def test_violence_with_intimidation_makes_a_tps_sangat_rawan():
    assert suggested_category(["violence_history", "intimidation"]) == "sangat_rawan"


def test_a_serious_incident_raises_an_otherwise_quiet_tps():
    assert suggested_category(["no_electricity"], ["high"]) == "rawan"
    assert suggested_category(["violence_history"], ["high"]) == "sangat_rawan"


def test_it_never_suggests_khusus_which_only_an_override_sets():
    every = ["violence_history", "intimidation", "money_politics", "sara_incitement",
             "no_internet", "no_electricity", "hard_to_reach", "disaster_prone", "logistics"]
    assert suggested_category(every, ["high"] * 5) == "sangat_rawan"


def test_it_rejects_an_unknown_indicator_by_name():
    with pytest.raises(ValueError, match="bribery"):
        suggested_category(["bribery"])


def test_incidents_count_when_filed_at_the_tps_or_within_a_kilometre():
    incidents = [
        IncidentPoint(7, None, None, "high"),  # filed against the TPS itself
        IncidentPoint(None, -8.2005, 114.3705, "medium"),  # about 80 m away
        IncidentPoint(None, -8.25, 114.37, "low"),  # about 5.5 km away
        IncidentPoint(8, None, None, "high"),  # another TPS
    ]
    assert sorted(incidents_near(7, -8.2, 114.37, incidents)) == ["high", "medium"]


indicator_sets = st.sets(st.sampled_from(sorted(INDICATOR_WEIGHTS)))
severities = st.lists(st.sampled_from(["low", "medium", "high"]), max_size=4)


@given(indicator_sets, severities, st.sampled_from(sorted(INDICATOR_WEIGHTS)), severities)
def test_more_indicators_or_incidents_never_lower_the_suggestion(indicators, seen, extra, more):
    before = ORDER.index(suggested_category(indicators, seen))
    assert ORDER.index(suggested_category(indicators | {extra}, seen)) >= before
    assert ORDER.index(suggested_category(indicators, seen + more)) >= before

"""The demo operation's stages and contests, held in WIB."""

from datetime import datetime
from zoneinfo import ZoneInfo

from kawal.operations.models import Stage

WIB = ZoneInfo("Asia/Jakarta")


def test_the_operation_runs_19_august_to_31_december_2024_wib(demo):
    assert demo.name == "Operasi Mantap Praja Semeru 2024"
    assert demo.starts_at.astimezone(WIB).date().isoformat() == "2024-08-19"
    assert demo.ends_at.astimezone(WIB).date().isoformat() == "2024-12-31"


def test_voting_day_is_27_november_wib_and_stages_follow_domain_dates(demo):
    stages = {s.kind: s for s in demo.stages.all()}
    assert list(stages) == ["distribution", "quiet", "voting", "return", "recap_ppk", "recap_kpu"]
    voting = stages["voting"]
    assert voting.starts_at == datetime(2024, 11, 27, tzinfo=WIB)
    assert voting.ends_at == datetime(2024, 11, 28, tzinfo=WIB)
    # Stored in UTC: midnight WIB is 17:00 the day before.
    assert voting.starts_at.astimezone(ZoneInfo("UTC")).hour == 17
    assert stages["recap_kpu"].ends_at == datetime(2024, 12, 7, tzinfo=WIB)


def test_the_election_has_regent_and_governor_contests(demo):
    assert sorted(demo.contests.values_list("code", flat=True)) == ["BUP", "GUB"]


def test_a_stage_cannot_end_before_it_starts(demo):
    import pytest
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        Stage.objects.create(
            operation=demo,
            kind="recap_kpu_late",
            order=9,
            starts_at=datetime(2024, 12, 2, tzinfo=WIB),
            ends_at=datetime(2024, 12, 1, tzinfo=WIB),
        )

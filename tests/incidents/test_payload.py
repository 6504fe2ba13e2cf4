"""A device's incident report, checked field by field, without a database."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from kawal.batches import BatchError
from kawal.incidents.payload import Rejected, check_batch, parse
from tests.incidents.conftest import item

NOW = datetime(2024, 11, 27, 12, tzinfo=ZoneInfo("Asia/Jakarta"))
TPS = "35.10.16.1001-001"


def test_a_full_report_is_read_with_every_field():
    report = parse(
        item(TPS, category="traffic_accident", lat=-8.2, lng=114.37, dead=1, injured=3,
             people_involved="Budi, 0812-3456-7890", actions_taken="korban dibawa ke RSUD"),
        NOW,
    )  # fmt: skip
    assert report.category == "traffic_accident" and report.at_tps
    assert (report.dead, report.injured, report.lat) == (1, 3, -8.2)
    assert report.people_involved.startswith("Budi")


def test_the_same_report_sent_twice_has_the_same_content():
    sent = item(TPS)
    assert parse(dict(sent), NOW).content() == parse(dict(sent), NOW).content()


@pytest.mark.parametrize(
    "change, error",
    [
        ({"id": "not-a-uuid"}, "id must be a UUID"),
        ({"category": "riot"}, "category 'riot' is not one of"),
        ({"severity": "extreme"}, "severity 'extreme' is not one of"),
        ({"occurred_at": "27/11/2024"}, "occurred_at must be an ISO-8601 time"),
        ({"occurred_at": "2024-11-27T10:00:00"}, "occurred_at has no UTC offset"),
        ({"occurred_at": (NOW + timedelta(hours=2)).isoformat()}, "occurred_at is in the future"),
        ({"place": "Banyuwangi"}, "place must be a region or TPS code"),
        ({"lat": -8.2}, "lat and lng come together"),
        ({"lat": 91, "lng": 114}, "lat must be a number from -11.5 to 6.5, within Indonesia"),
        ({"lat": float("nan"), "lng": 114}, "lat must be a number from -11.5 to 6.5"),
        ({"lat": -8.2, "lng": 20.5}, "lng must be a number from 94 to 141.5, within Indonesia"),
        ({"description": ""}, "description is required"),
        ({"description": "   "}, "description is required"),
        ({"dead": -1}, "dead must be a whole number"),
        ({"injured": "two"}, "injured must be a whole number"),
        ({"people_involved": ["Budi"]}, "people_involved must be a string"),
        ({"reporter": "Budi"}, "unknown field reporter"),
    ],
)
def test_a_bad_report_is_rejected_naming_the_field(change, error):
    with pytest.raises(Rejected, match=error):
        parse({**item(TPS), **change}, NOW)


def test_a_missing_required_field_is_named():
    sent = item(TPS)
    del sent["severity"]
    with pytest.raises(Rejected, match="severity is required"):
        parse(sent, NOW)


def test_a_batch_is_an_array_of_at_most_a_hundred_objects():
    with pytest.raises(BatchError, match="must be a JSON array"):
        check_batch({"id": "x"})
    with pytest.raises(BatchError, match=r"incident \[1\] must be a JSON object"):
        check_batch([item(TPS), "x"])
    with pytest.raises(BatchError, match="at most 100 incidents, not 101") as refused:
        check_batch([item(TPS)] * 101)
    assert refused.value.too_large

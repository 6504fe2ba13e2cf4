"""A device's incident report: checked field by field, and normalised. Pure: no database.

The shape is the field app's contract (POST /api/v1/incidents): an array of at most
MAX_BATCH objects. A body that is not such an array is refused whole (BatchError); one bad
report is rejected on its own (Rejected), naming the field, and the rest of the batch goes on.
"""

import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from kawal import batches
from kawal.batches import Rejected, coordinate, device_time
from kawal.incidents.models import Incident
from kawal.territory.codes import REGION_CODE, TPS_CODE

MAX_BATCH = 100
CATEGORIES = tuple(Incident.Category.values)
SEVERITIES = tuple(Incident.Severity.values)
FIELDS = (
    "id", "category", "severity", "occurred_at", "place", "lat", "lng", "description",
    "people_involved", "actions_taken", "dead", "injured",
)  # fmt: skip
REQUIRED = ("id", "category", "severity", "occurred_at", "place", "description")
TEXT_LIMITS = {"description": 4000, "people_involved": 2000, "actions_taken": 4000}
COUNT_LIMIT = 10_000


@dataclass(frozen=True)
class Report:
    id: uuid.UUID
    category: str
    severity: str
    occurred_at: datetime
    place: str
    description: str
    lat: float | None = None
    lng: float | None = None
    people_involved: str = ""
    actions_taken: str = ""
    dead: int | None = None
    injured: int | None = None

    @property
    def at_tps(self) -> bool:
        return bool(TPS_CODE.match(self.place))

    def content(self) -> dict:
        """What the device said, normalised: two sends of one report compare equal."""
        return normalised(asdict(self))


def normalised(content: dict) -> dict:
    return {
        **content,
        "id": str(content["id"]),
        "occurred_at": content["occurred_at"].astimezone(UTC).isoformat(),
        "people_involved": content["people_involved"] or "",
        "actions_taken": content["actions_taken"] or "",
    }


def check_batch(items: object) -> list[dict[str, Any]]:
    return batches.check_batch(items, limit=MAX_BATCH, noun="incident")


def _choice(item: dict, name: str, values: tuple[str, ...]) -> str:
    if item[name] not in values:
        raise Rejected(f"{name} {item[name]!r} is not one of {', '.join(values)}")
    return item[name]


def _text(item: dict, name: str) -> str:
    value = item.get(name) or ""
    if not isinstance(value, str):
        raise Rejected(f"{name} must be a string")
    if len(value) > TEXT_LIMITS[name]:
        raise Rejected(f"{name} is longer than {TEXT_LIMITS[name]} characters")
    return value.strip()


def _count(item: dict, name: str) -> int | None:
    value = item.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < COUNT_LIMIT:
        raise Rejected(f"{name} must be a whole number from 0 to {COUNT_LIMIT - 1}")
    return value


def parse(item: dict, now: datetime) -> Report:
    """One report of a batch; Rejected names the first field that is wrong."""
    unknown = sorted(set(item) - set(FIELDS))
    if unknown:
        raise Rejected(f"unknown field {unknown[0]}")
    for name in REQUIRED:
        if item.get(name) in (None, ""):
            raise Rejected(f"{name} is required")
    try:
        incident_id = uuid.UUID(str(item["id"]))
    except ValueError:
        raise Rejected("id must be a UUID") from None
    place = item["place"]
    if not isinstance(place, str) or not (REGION_CODE.match(place) or TPS_CODE.match(place)):
        raise Rejected("place must be a region or TPS code")
    lat, lng = coordinate(item.get("lat"), "lat"), coordinate(item.get("lng"), "lng")
    if (lat is None) != (lng is None):
        raise Rejected("lat and lng come together")
    description = _text(item, "description")
    if not description:
        raise Rejected("description is required")
    return Report(
        id=incident_id,
        category=_choice(item, "category", CATEGORIES),
        severity=_choice(item, "severity", SEVERITIES),
        occurred_at=device_time(item["occurred_at"], now),
        place=place,
        description=description,
        lat=lat,
        lng=lng,
        people_involved=_text(item, "people_involved"),
        actions_taken=_text(item, "actions_taken"),
        dead=_count(item, "dead"),
        injured=_count(item, "injured"),
    )

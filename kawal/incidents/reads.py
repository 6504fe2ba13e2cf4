"""Incidents as the pages and the API read them: scoped in the query, filtered, redacted.

Anyone with a role over a region sees its incidents. Who reported one, the people involved
and who handled it are personnel data: a caller whose role may not see personnel (an
observer, a field member) gets them as None.
"""

import uuid
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from kawal.accounts.scope import Scope, require_region, scope_of
from kawal.incidents.models import Incident, IncidentStep
from kawal.operations.models import Operation, Stage
from kawal.territory.codes import within
from kawal.territory.geometry import svg_map
from kawal.territory.models import Region

LIMIT = 1000
PAGE_LIMIT = 300
MARKER_LIMIT = 200


@dataclass(frozen=True)
class StepView:
    action: str
    status: str
    at: datetime
    note: str
    by: str | None = None  # None for callers who may not see personnel


@dataclass(frozen=True)
class IncidentView:
    id: str
    category: str
    severity: str
    status: str
    escalated: bool
    occurred_at: datetime
    received_at: datetime
    updated_at: datetime
    place: str
    region: str
    tps: str | None
    lat: float | None
    lng: float | None
    description: str
    actions_taken: str
    dead: int | None
    injured: int | None
    acknowledged_at: datetime | None
    reported_by: str | None = None  # None for callers who may not see personnel
    people_involved: str | None = None  # likewise
    steps: list[StepView] = field(default_factory=list)


def person(user) -> str | None:
    if user is None:
        return None
    return user.get_full_name() or user.username


def view_of(incident: Incident, steps: list[IncidentStep], *, with_personnel: bool) -> IncidentView:
    """An incident (with tps, reported_by and its steps' actors selected) for a caller."""
    return IncidentView(
        id=str(incident.pk), category=incident.category, severity=incident.severity,
        status=incident.status, escalated=incident.escalated, occurred_at=incident.occurred_at,
        received_at=incident.received_at, updated_at=incident.updated_at, place=incident.place,
        region=incident.region_id, tps=incident.tps.code if incident.tps is not None else None,
        lat=incident.lat, lng=incident.lng, description=incident.description,
        actions_taken=incident.actions_taken, dead=incident.dead, injured=incident.injured,
        acknowledged_at=incident.acknowledged_at,
        reported_by=person(incident.reported_by) if with_personnel else None,
        people_involved=incident.people_involved if with_personnel else None,
        steps=[
            StepView(s.action, s.status, s.at, s.note, person(s.actor) if with_personnel else None)
            for s in steps
        ],
    )  # fmt: skip


def _with_steps(incidents) -> dict[uuid.UUID, list[IncidentStep]]:
    steps: dict[uuid.UUID, list[IncidentStep]] = {i.pk: [] for i in incidents}
    for step in IncidentStep.objects.filter(incident__in=list(steps)).select_related("actor"):
        steps[step.incident_id].append(step)
    return steps


def views(incidents, scope: Scope) -> list[IncidentView]:
    incidents = list(incidents)
    steps = _with_steps(incidents)
    return [
        view_of(i, steps[i.pk], with_personnel=scope.sees_personnel_in(i.region_id))
        for i in incidents
    ]


def visible(scope: Scope):
    """The incidents in the caller's regions."""
    return Incident.objects.filter(scope.filter("region__code")).select_related(
        "region", "tps", "reported_by", "acknowledged_by"
    )


def listing(
    user, *, region: str | None = None, status: str | None = None, since: datetime | None = None
) -> list[IncidentView]:
    """Incidents in scope (in `region`, in `status`, moved since `since`), latest moved first."""
    scope = require_region(user, region) if region else scope_of(user)
    if status and status not in Incident.Status.values:
        raise ValidationError(f"status must be one of {', '.join(Incident.Status.values)}")
    if since is not None and since.tzinfo is None:
        raise ValidationError("since has no UTC offset: send e.g. 2024-11-27T13:05:00+07:00")
    found = visible(scope)
    if region:
        found = found.filter(within("region__code", region))
    if status:
        found = found.filter(status=status)
    if since is not None:
        found = found.filter(updated_at__gte=since)
    return views(found.order_by("-updated_at", "-occurred_at")[:LIMIT], scope)


def one(user, incident_id: uuid.UUID) -> tuple[Incident, list[IncidentStep], Scope]:
    """One incident in the caller's scope, with its steps; Http404 outside it."""
    scope = scope_of(user)
    if not scope.regions:
        raise PermissionDenied("your account holds no role over any region")
    incident = visible(scope).filter(pk=incident_id).first()
    if incident is None:
        raise Http404(f"no incident {incident_id} in your scope")
    return incident, _with_steps([incident])[incident.pk], scope


@dataclass(frozen=True)
class Filters:
    district: str = ""
    category: str = ""
    severity: str = ""
    status: str = ""
    stage: str = ""


def stage_window(operation: Operation | None, kind: str) -> tuple[datetime, datetime] | None:
    if operation is None:
        return None
    stage = Stage.objects.filter(operation=operation, kind=kind).first()
    return (stage.starts_at, stage.ends_at) if stage else None


def filtered(scope: Scope, filters: Filters, operation: Operation | None):
    """The incidents list page: in scope, narrowed by each filter given, newest first."""
    found = visible(scope)
    if filters.district:
        found = found.filter(within("region__code", filters.district))
    for name in ("category", "severity", "status"):
        if getattr(filters, name):
            found = found.filter(**{name: getattr(filters, name)})
    if filters.stage:
        window = stage_window(operation, filters.stage)
        found = (
            found.none()
            if window is None
            else found.filter(occurred_at__gte=window[0], occurred_at__lt=window[1])
        )
    return found.for_feed()[:PAGE_LIMIT]


@dataclass(frozen=True)
class Marker:
    id: str
    severity: str
    escalated: bool
    label: str
    path: str  # a diamond in the map's SVG units


MARKER_SIZE = 9.0  # SVG units on a 1000-wide map


def markers(area: Region, radius: float = 0.0) -> list[Marker]:
    """Incidents not closed in `area`, placed where reported (else at their TPS or region).

    Drawn on the map the command center shows for `area`: its children's, or for a village
    its district's, which the page crops to the village.
    """
    if area.level == Region.Level.DESA:
        if area.parent is None:
            return []
        drawn = svg_map(area.parent)
    else:
        drawn = svg_map(area)
    if not drawn.shapes:
        return []
    size = radius * 1.6 if radius else MARKER_SIZE
    rows = (
        Incident.objects.filter(within("region__code", area.code))
        .exclude(status=Incident.Status.CLOSED)
        .for_feed()[:MARKER_LIMIT]
    )
    found = []
    for i in rows:
        lat, lng = (
            (i.lat, i.lng)
            if i.lat is not None
            else ((i.tps.lat, i.tps.lng) if i.tps_id else (i.region.lat, i.region.lng))
        )
        x, y = drawn.project(lat, lng)
        path = f"M{x:.1f},{y - size:.1f}L{x + size:.1f},{y:.1f}L{x:.1f},{y + size:.1f}L{x - size:.1f},{y:.1f}Z"
        label = f"{i.get_category_display()} · {timezone.localtime(i.occurred_at):%d/%m %H:%M}"
        found.append(Marker(str(i.pk), i.severity, i.escalated, label, path))
    return found

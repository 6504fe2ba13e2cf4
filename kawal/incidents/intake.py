"""Storing a device's batch of incident reports: one transaction, answered per report.

The same semantics as custody events: a report whose id is already stored with the same
content is a duplicate (acknowledged, stored once); the same id with other content is
rejected as a conflict. A batch costs the same few queries however many reports it holds:
the known ids, the places it names, one bulk insert of incidents, one of their first steps,
and one audit entry.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils import timezone

from kawal import batches
from kawal.accounts import audit
from kawal.accounts.models import Role
from kawal.accounts.scope import Scope, require_roles
from kawal.batches import ACCEPTED, DUPLICATE, REJECTED
from kawal.incidents import payload, workflow
from kawal.incidents.models import Incident, IncidentStep
from kawal.incidents.payload import Rejected, Report
from kawal.territory.models import TPS, Region

REPORTER_ROLES = (Role.FIELD, Role.SECTOR, Role.COMMAND, Role.ADMIN)
ATTEMPTS = 3
STORED = (
    "id", "category", "severity", "occurred_at", "tps__code", "region_id", "lat", "lng",
    "description", "people_involved", "actions_taken", "dead", "injured",
)  # fmt: skip


def stored_content(row: dict) -> dict:
    """The device's part of a stored incident (a `.values(*STORED)` row), normalised."""
    fields = {k: row[k] for k in STORED if k not in ("tps__code", "region_id")}
    return payload.normalised({**fields, "place": row["tps__code"] or row["region_id"]})


def report(user, items, *, now: datetime | None = None) -> list[dict]:
    """Store a batch of reports; answer accepted, duplicate or rejected per report, in order."""
    items = payload.check_batch(items)
    scope = require_roles(user, REPORTER_ROLES, "your role may not report incidents")
    now = now or timezone.now()
    parsed: list[Report | tuple[str | None, str]] = []
    for item in items:
        try:
            parsed.append(payload.parse(item, now))
        except Rejected as exc:
            sent_id = item.get("id") if isinstance(item.get("id"), str) else None
            parsed.append((sent_id, str(exc)))
    for attempt in range(ATTEMPTS):
        try:
            with transaction.atomic():
                return _store(user, scope, parsed, now)
        except IntegrityError:
            # Another batch stored one of these ids first: read again, and it is a duplicate.
            if attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")


def _places(reports: list[Report]) -> tuple[dict[str, tuple[int, str]], set[str]]:
    """TPS codes named, with their id and village; region codes named that exist."""
    codes = {r.place for r in reports}
    tps = {
        code: (pk, village)
        for code, pk, village in TPS.objects.filter(
            code__in=[c for c in codes if "-" in c]
        ).values_list("code", "id", "village_id")
    }
    regions = set(
        Region.objects.filter(code__in=[c for c in codes if "-" not in c]).values_list(
            "code", flat=True
        )
    )
    return tps, regions


def _store(user, scope: Scope, parsed: list, now: datetime) -> list[dict]:
    reports = [p for p in parsed if isinstance(p, Report)]
    known = {
        str(row["id"]): stored_content(row)
        for row in Incident.objects.filter(id__in=[r.id for r in reports]).values(*STORED)
    }
    tps, regions = _places(reports)
    results: list[dict] = []
    accepted: dict[str, Report] = {}
    for item in parsed:
        if isinstance(item, tuple):
            results.append({"id": item[0], "status": REJECTED, "error": item[1]})
            continue
        key = str(item.id)
        seen = known.get(key) or (accepted[key].content() if key in accepted else None)
        if seen is not None:
            if seen == item.content():
                results.append({"id": key, "status": DUPLICATE})
            else:
                results.append(
                    {
                        "id": key,
                        "status": REJECTED,
                        "error": "conflict: this id is stored with other content",
                    }
                )
            continue
        if item.place not in tps and item.place not in regions:
            results.append({"id": key, "status": REJECTED, "error": f"unknown place {item.place}"})
        elif not scope.covers(item.place):
            results.append(
                {
                    "id": key,
                    "status": REJECTED,
                    "error": f"place {item.place} is outside your scope",
                }
            )
        else:
            accepted[key] = item
            results.append({"id": key, "status": ACCEPTED})
    _insert(user, list(accepted.values()), tps, now)
    escalated = [str(r.id) for r in accepted.values() if r.severity == workflow.CRITICAL]
    audit.record(
        "incidents.report",
        actor=user,
        escalated=escalated,
        **batches.counts(results),
    )
    return results


def _insert(user, reports: list[Report], tps: dict[str, tuple[int, str]], now: datetime) -> None:
    incidents = []
    for r in reports:
        tps_id, region = tps[r.place] if r.at_tps else (None, r.place)
        incidents.append(Incident(
            id=r.id, category=r.category, severity=r.severity, occurred_at=r.occurred_at,
            received_at=now, updated_at=now, tps_id=tps_id, region_id=region, lat=r.lat,
            lng=r.lng, description=r.description, people_involved=r.people_involved,
            actions_taken=r.actions_taken, dead=r.dead, injured=r.injured, reported_by=user,
        ))  # fmt: skip
    Incident.objects.bulk_create(incidents)
    IncidentStep.objects.bulk_create(
        IncidentStep(
            incident_id=r.id, action=workflow.REPORT, status=workflow.REPORTED, at=now, actor=user
        )
        for r in reports
    )

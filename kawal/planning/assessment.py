"""TPS risk: indicators, the suggested category, audited overrides, incidents nearby.

The effective category lives in TPS.risk, which the planner reads. An override wins over
the suggestion until it is cleared. Incidents only ever raise a category.
"""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import QuerySet

from kawal.accounts import audit
from kawal.incidents.models import Incident
from kawal.operations.models import Operation
from kawal.planning import risk
from kawal.planning.models import Indicator, RiskIndicator, RiskOverride
from kawal.territory.codes import within
from kawal.territory.distance import km_matrix
from kawal.territory.models import TPS


@dataclass(frozen=True)
class Assessment:
    tps: TPS
    indicators: tuple[str, ...]
    incident_severities: tuple[str, ...]
    suggested: str
    override: RiskOverride | None

    @property
    def category(self) -> str:
        return self.override.category if self.override else self.suggested


def _operation_incidents(operation: Operation | None, region_code: str) -> QuerySet[Incident]:
    """Incidents in the region during the operation: those are what raise a TPS's risk."""
    incidents = Incident.objects.filter(within("region__code", region_code))
    if operation is None:
        return incidents.none()
    return incidents.filter(
        occurred_at__gte=operation.starts_at, occurred_at__lte=operation.ends_at
    )


def _incident_points(tps: TPS) -> list[risk.IncidentPoint]:
    incidents = _operation_incidents(Operation.objects.covering(tps.code).first(), tps.code[:8])
    return [
        risk.IncidentPoint(*row) for row in incidents.values_list("tps_id", "lat", "lng", "severity")
    ]


def assess(tps: TPS) -> Assessment:
    indicators = tuple(
        RiskIndicator.objects.filter(tps=tps).order_by("indicator").values_list("indicator", flat=True)
    )
    severities = tuple(risk.incidents_near(tps.pk, tps.lat, tps.lng, _incident_points(tps)))
    return Assessment(
        tps=tps,
        indicators=indicators,
        incident_severities=severities,
        suggested=risk.suggested_category(indicators, severities),
        override=RiskOverride.objects.filter(tps=tps).first(),
    )


def _set_category(tps: TPS, category: str) -> None:
    if tps.risk != category:
        tps.risk = category
        tps.save(update_fields=["risk"])


@transaction.atomic
def set_indicators(tps: TPS, indicators: set[str], *, user: User, note: str = "") -> Assessment:
    """Record the TPS's indicators (replacing the previous set) and re-suggest its category."""
    unknown = set(indicators) - set(Indicator.values)
    if unknown:
        raise ValueError(f"indicators: unknown {', '.join(sorted(unknown))}")
    RiskIndicator.objects.filter(tps=tps).exclude(indicator__in=indicators).delete()
    have = set(RiskIndicator.objects.filter(tps=tps).values_list("indicator", flat=True))
    for indicator in sorted(set(indicators) - have):
        RiskIndicator.objects.create(tps=tps, indicator=indicator, note=note, recorded_by=user)
    result = assess(tps)
    _set_category(tps, result.category)
    audit.record(
        "planning.risk_indicators", tps, actor=user, indicators=sorted(indicators),
        suggested=result.suggested, category=result.category,
    )
    return result


@transaction.atomic
def override(tps: TPS, category: str, reason: str, *, user: User) -> Assessment:
    if category not in TPS.Risk.values:
        raise ValueError(f"category: {category!r} is not one of {', '.join(TPS.Risk.values)}")
    if not reason.strip():
        raise ValueError("reason: an override needs a reason")
    previous = tps.risk
    RiskOverride.objects.update_or_create(
        tps=tps, defaults={"category": category, "reason": reason.strip(), "set_by": user}
    )
    _set_category(tps, category)
    audit.record(
        "planning.risk_override", tps, actor=user, previous=previous, category=category,
        reason=reason.strip(),
    )
    return assess(tps)


@transaction.atomic
def clear_override(tps: TPS, *, user: User) -> Assessment:
    RiskOverride.objects.filter(tps=tps).delete()
    result = assess(tps)
    _set_category(tps, result.category)
    audit.record("planning.risk_override_cleared", tps, actor=user, category=result.category)
    return result


def raise_for_incidents(operation: Operation) -> dict[str, str]:
    """Raise (never lower) the category of TPS with incidents at or near them.

    Counts incidents of the operation's period; skips TPS under an override. Returns
    {tps code: new category} for the TPS it raised.
    """
    incidents = list(
        _operation_incidents(operation, operation.region_id).values_list(
            "tps_id", "lat", "lng", "severity"
        )
    )
    if not incidents:
        return {}
    points = [risk.IncidentPoint(*row) for row in incidents]
    located = [(p.lat, p.lng, p) for p in points if p.lat is not None and p.lng is not None]
    tps_rows = list(
        TPS.objects.filter(within("code", operation.region_id))
        .exclude(risk_override__isnull=False)
        .values_list("id", "code", "lat", "lng", "risk")
    )
    near: dict[int, list[str]] = {}
    for p in points:
        if p.tps_id is not None:
            near.setdefault(p.tps_id, []).append(p.severity)
    if located and tps_rows:
        distances = km_matrix(
            [r[2] for r in tps_rows], [r[3] for r in tps_rows],
            [lat for lat, _, _ in located], [lng for _, lng, _ in located],
        )
        for i, j in zip(*(distances <= risk.NEAR_KM).nonzero(), strict=True):
            incident = located[j][2]
            if incident.tps_id != tps_rows[i][0]:
                near.setdefault(tps_rows[i][0], []).append(incident.severity)
    indicators: dict[int, list[str]] = {}
    for tps_id, indicator in RiskIndicator.objects.filter(tps_id__in=near).values_list(
        "tps_id", "indicator"
    ):
        indicators.setdefault(tps_id, []).append(indicator)
    raised = {}
    for pk, code, _, _, current in tps_rows:
        if pk not in near:
            continue
        suggested = risk.suggested_category(indicators.get(pk, []), near[pk])
        if risk.ORDER.index(suggested) > risk.ORDER.index(current):
            TPS.objects.filter(pk=pk).update(risk=suggested)
            raised[code] = suggested
    # Recorded in the entry of the plan this is part of (planning/service.py).
    return raised

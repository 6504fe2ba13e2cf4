"""My duty: a device's member's assignments in the approved plan, for today and the next stage.

Each assignment carries its post, the co-members on it (names and phones), and the boxes
the post escorts or guards with what the ledger expects next for each; the phone caches
the whole answer for use offline.
"""

from collections import defaultdict
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

from kawal.custody import states
from kawal.custody.models import Box
from kawal.field.models import Device
from kawal.incidents.models import Incident
from kawal.operations.models import CustodyRules, Operation, Stage
from kawal.planning.models import Assignment, Plan, Post, PostTPS
from kawal.territory.codes import within


def operation_of(region_code: str) -> Operation | None:
    return Operation.objects.covering(region_code).select_related("custody_rules").first()


def rules_of(operation: Operation | None) -> CustodyRules:
    """The operation's custody rules; the defaults where it has none stored."""
    stored = getattr(operation, "custody_rules", None) if operation else None
    return stored or CustodyRules()


def stages_on_duty(stages: list[Stage], now: datetime, tz: ZoneInfo) -> list[Stage]:
    """The stages running today (in the operation's time zone), and the next one after."""
    day = now.astimezone(tz).replace(hour=0, minute=0, second=0, microsecond=0)
    tomorrow = day + timedelta(days=1)
    today = [s for s in stages if s.starts_at < tomorrow and s.ends_at > day]
    later = sorted((s for s in stages if s.starts_at >= tomorrow), key=lambda s: s.starts_at)
    return today + later[:1]


def _boxes_of(post: Post, tps_codes: list[str]) -> list[Box]:
    """The boxes a post guards (its TPS) or escorts (those of the area its code starts with:
    an escort post's code is the code of the village or district it serves)."""
    if post.kind == Post.Kind.TPS:
        return list(Box.objects.filter(tps__code__in=tps_codes))
    if post.kind == Post.Kind.ESCORT:
        return list(Box.objects.filter(within("code", post.code.split("-")[0])))
    return []


def _box(box: Box) -> dict:
    move = states.next_move(box.code, states.Folded(box.state, box.stop, tuple(box.seals),
                                                    box.expected_by, box.last_occurred_at))
    return {
        "code": box.code,
        "tps": box.code.rsplit("-", 1)[0] if box.tps_id else None,
        "state": box.state,
        "next": {"kind": move.kind, "place": move.place} if move else None,
        "seals": list(box.seals),
    }


def _member(m) -> dict:
    return {"nrp": m.nrp, "name": m.name, "rank": m.rank, "force": m.force}


def _assigned(member, operation: Operation | None, now: datetime):
    """The member's assignments in the approved plan for the stages on duty, with those stages."""
    if operation is None:
        return [], {}
    stages = list(Stage.objects.filter(operation=operation).order_by("order"))
    on_duty = {s.kind: s for s in stages_on_duty(stages, now, ZoneInfo(operation.timezone))}
    plan = Plan.objects.filter(operation=operation, status=Plan.Status.APPROVED).first()
    if plan is None:
        return [], on_duty
    assignments = Assignment.objects.filter(
        plan=plan, member=member, stage__in=on_duty
    ).select_related("post")
    return sorted(assignments, key=lambda a: (on_duty[a.stage].starts_at, a.post.code)), on_duty


def _posts(post_ids: list[int], member) -> tuple[dict, dict]:
    """Each post's TPS codes, and its other members with their phones."""
    tps_of: dict[int, list[str]] = defaultdict(list)
    for post_id, code in (
        PostTPS.objects.filter(post_id__in=post_ids)
        .order_by("tps__code")
        .values_list("post_id", "tps__code")
    ):
        tps_of[post_id].append(code)
    team: dict[int, list[dict]] = defaultdict(list)
    for a in (
        Assignment.objects.filter(post_id__in=post_ids)
        .exclude(member=member)
        .select_related("member")
        .order_by("force", "member__name")
    ):
        team[a.post_id].append({**_member(a.member), "phone": a.member.phone})
    return tps_of, team


def _assignment(a: Assignment, stage: Stage, tps_of: dict, team: dict) -> dict:
    post = a.post
    return {
        "id": a.pk,
        "stage": a.stage,
        "stage_name": str(Stage.Kind(a.stage).label),
        "starts_at": stage.starts_at.isoformat(),
        "ends_at": stage.ends_at.isoformat(),
        "post": {
            "code": post.code, "name": post.name, "kind": post.kind, "lat": post.lat,
            "lng": post.lng, "tps": tps_of[post.pk],
        },
        "team": team[post.pk],
        "boxes": [_box(b) for b in _boxes_of(post, tps_of[post.pk])],
    }


def duty(device: Device, *, now: datetime | None = None) -> dict:
    """The contract's `GET /api/v1/field/duty` answer for `device`."""
    now = now or timezone.now()
    operation = operation_of(device.region_id)
    rules = rules_of(operation)
    assignments, on_duty = _assigned(device.member, operation, now)
    tps_of, team = _posts([a.post_id for a in assignments], device.member)
    return {
        "member": _member(device.member),
        "region": device.region_id,
        "operation": {
            "name": operation.name if operation else "",
            "checkin_distance_m": rules.checkin_distance_m,
            "require_signatures": rules.require_signatures,
        },
        "assignments": [_assignment(a, on_duty[a.stage], tps_of, team) for a in assignments],
        "incident_categories": [[value, str(label)] for value, label in Incident.Category.choices],
        "generated_at": now.isoformat(),
    }

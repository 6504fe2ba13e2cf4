"""Before a simulation: read its World from the database, place the operation in time, and give
the phones their tokens.

The simulator reads the approved plan and the territory from the server's own database (the
one KAWAL_DATABASE_URL or KAWAL_DATA_DIR names) and sends every record over HTTP.
"""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import timedelta

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import F

from kawal.accounts import audit
from kawal.accounts.models import ApiToken, Role, RoleGrant
from kawal.custody.models import Box
from kawal.field.devices import issue_code
from kawal.operations.models import CustodyRules, Operation, Stage
from kawal.planning.models import Assignment, Plan, Post, PostTPS
from kawal.simulation import world as w
from kawal.simulation.world import Place, Team, World
from kawal.territory.codes import within
from kawal.territory.models import TPS, Region

DAY_WATCH = "-2"  # the warehouse watch of 08.00-16.00 (planning/posts.py WATCHES)


class NotReady(ValueError):
    """The database can't be simulated as it is; the message says what to do."""


def operation_for(region: str | None) -> Operation:
    operations = Operation.objects.select_related("custody_rules")
    operation = operations.covering(region).first() if region else operations.first()
    if operation is None:
        raise NotReady(f"no operation covers {region}" if region else "no operation: load one")
    return operation


def read_world(operation: Operation, region: str | None = None) -> World:
    """The operation's `region` (its whole region by default, or one of its districts)."""
    region = region or operation.region_id
    area = Region.objects.filter(code=region).first()
    if area is None or not (
        region == operation.region_id
        or (area.level == Region.Level.KECAMATAN and area.parent_id == operation.region_id)
    ):
        raise NotReady(f"--region must be {operation.region_id} or one of its districts")
    boxes = dict(
        Box.objects.filter(within("code", region), kind=Box.Kind.BALLOT_BOX).values_list(
            "code", "head_seq"
        )
    )
    if any(boxes.values()):
        raise NotReady(
            f"boxes in {region} already hold custody events: a simulation starts from empty "
            "boxes (kawal demo --fresh)"
        )
    plan = Plan.objects.filter(operation=operation, status=Plan.Status.APPROVED).first()
    if plan is None:
        raise NotReady(f"{operation.code} has no approved plan: approve one on the plan page")
    places = {
        level: {code: Place(code, lat, lng) for code, lat, lng in Region.objects.filter(
            within("code", region), level=level).values_list("code", "lat", "lng")}
        for level in (Region.Level.KECAMATAN, Region.Level.DESA)
    }  # fmt: skip
    teams, duties = _teams(plan, region)
    regency = Region.objects.get(code=operation.region_id)
    # The KPU-PPK escorts start at the KPU warehouse; without them, the regency's centre.
    kpu_post = next((p for (duty, _), p in duties.items() if duty == w.KPU_PPK), None)
    at = (teams[kpu_post].lat, teams[kpu_post].lng) if kpu_post else (regency.lat, regency.lng)
    rules = getattr(operation, "custody_rules", None) or CustodyRules(operation=operation)
    return World(
        operation=operation.code,
        region=region,
        kpu=Place(regency.code, *at),
        districts=places[Region.Level.KECAMATAN],
        villages=places[Region.Level.DESA],
        tps={
            c: Place(c, lat, lng)
            for c, lat, lng in TPS.objects.filter(within("code", region)).values_list(
                "code", "lat", "lng"
            )
        },
        boxes=tuple(sorted(boxes)),
        teams=teams,
        duties=duties,
        stages={s.kind: (s.starts_at, s.ends_at) for s in operation.stages.all()},
        legs={v: rules.legs_for(v) for v in places[Region.Level.DESA]},
        joint_escort=rules.require_joint_escort,
        require_gps=rules.require_gps,
    )


def _duty(post: Post) -> list[tuple[str, str]]:
    """What a post of the plan does for the simulation: (duty, region or TPS code) pairs."""
    route = post.route[0] if post.route else {}
    if post.kind == Post.Kind.ESCORT and post.stage == Stage.Kind.DISTRIBUTION and route:
        to = route["to"]
        return [(w.KPU_PPK if len(to) == len("35.10.01") else w.PPK_PPS, to)]
    if post.kind == Post.Kind.ESCORT and post.stage == Stage.Kind.RETURN and route:
        return [(w.PPS_PPK, route["from"])]
    if post.kind == Post.Kind.ESCORT and post.stage == Stage.Kind.RECAP_KPU and route:
        return [(w.PPK_KPU, route["from"])]
    if post.kind == Post.Kind.WAREHOUSE and post.stage == Stage.Kind.RECAP_PPK:
        return [(w.RECAP, post.district_id)] if post.code.endswith(DAY_WATCH) else []
    return []


def _teams(plan: Plan, region: str) -> tuple[dict[str, Team], dict[tuple[str, str], str]]:
    posts = list(plan.posts.filter(within("district__code", region)))
    members: dict[int, list[tuple[str, str]]] = {p.pk: [] for p in posts}
    assigned: dict[tuple[int, str], int] = {}
    for post_id, nrp, force, pk in (
        Assignment.objects.filter(plan=plan, post__in=posts)
        .order_by("post_id", "force", "member__nrp")
        .values_list("post_id", "member__nrp", "force", "id")
    ):
        members[post_id].append((nrp, force))
        assigned[(post_id, nrp)] = pk
    teams = {}
    for p in posts:
        team = Team(p.code, p.district_id, tuple(members[p.pk]), p.lat, p.lng)
        teams[p.code] = replace(team, assignment=assigned.get((p.pk, team.leader)))
    duties = {key: p.code for p in posts for key in _duty(p)}
    for tps, post in PostTPS.objects.filter(
        post__in=[p for p in posts if p.kind == Post.Kind.TPS]
    ).values_list("tps__code", "post__code"):
        duties[(w.TPS_POST, tps)] = post
    return teams, duties


@transaction.atomic
def retime(operation: Operation, days: int) -> None:
    """Move the operation, its stages and its seal deadline by whole `days`, so that the night
    a simulation replays ends as the run does: a phone can't report the future, and overdue
    legs and unsealed boxes are judged only while the operation runs."""
    if not days:
        return
    delta = timedelta(days=days)
    Operation.objects.filter(pk=operation.pk).update(
        starts_at=F("starts_at") + delta, ends_at=F("ends_at") + delta
    )
    operation.stages.update(starts_at=F("starts_at") + delta, ends_at=F("ends_at") + delta)
    CustodyRules.objects.filter(operation=operation, seal_by__isnull=False).update(
        seal_by=F("seal_by") + delta
    )
    audit.record("simulation.retime", operation, actor=None, days=days)
    operation.refresh_from_db()


def _holder(role: str, region: str) -> User:
    grant = (
        RoleGrant.objects.select_related("user")
        .filter(role=role, region_id=region, user__is_active=True)
        .order_by("user__username")
        .first()
    )
    if grant is None:
        raise NotReady(f"no {role} user over {region} to send with: create one, or pass --token")
    return grant.user


@dataclass
class Credentials:
    codes: dict[str, str]  # post -> the enrolment code of its leader's phone
    tokens: dict[str, str]  # post -> an API token, for a team nobody leads
    reader: str  # a command user's API token, to read the alerts with


def credentials(teams: Mapping[str, Team], region: str, regency: str) -> Credentials:
    """One enrolment code for each team leader's phone in each district (a leader of two
    teams carries one phone), issued by a command user over the regency; the district's
    sector user's token for a team nobody leads; and a command token to read alerts with."""
    commander = _holder(Role.COMMAND, regency)
    phones: dict[tuple[str, str], str] = {}
    sector: dict[str, str] = {}
    codes, tokens = {}, {}
    for post, team in teams.items():
        if team.assignment is None:
            if team.region not in sector:
                _, sector[team.region] = ApiToken.issue(_holder(Role.SECTOR, team.region))
            tokens[post] = sector[team.region]
            continue
        phone = (team.leader, team.region)
        if phone not in phones:
            phones[phone] = issue_code(nrp=team.leader, region_code=team.region, actor=commander).code
        codes[post] = phones[phone]
    _, reader = ApiToken.issue(commander)
    audit.record("simulation.credentials", actor=commander, region=region, phones=len(phones))
    return Credentials(codes, tokens, reader)

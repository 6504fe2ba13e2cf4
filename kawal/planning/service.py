"""Deployment plans: read the inputs, run the pure planner, store, approve and re-plan.

This module owns the queries and transactions. posts.py groups the TPS and lays out the
other posts, solver.py assigns the members; both take plain data.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.core import signing
from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from kawal.accounts import audit
from kawal.accounts.models import Role
from kawal.accounts.scope import require_roles, scope_for_roles
from kawal.operations.models import Operation, Stage
from kawal.personnel.models import Member, Unit
from kawal.planning import assessment
from kawal.planning.models import (
    Absence,
    Assignment,
    GuardPattern,
    Plan,
    PlanChange,
    Post,
    PostTPS,
)
from kawal.planning.posts import (
    DEFAULT_PATTERNS,
    Leg,
    Pattern,
    Place,
    PostSpec,
    TpsPoint,
    stage_posts,
    tps_posts,
)
from kawal.planning.solver import Person, Solution, assign, slots_for
from kawal.territory.codes import within
from kawal.territory.distance import km
from kawal.territory.models import TPS, Region

# Where a regency's HQ (home of its BKO units) and its KPU warehouse stand. Elsewhere the
# district nearest the regency's centroid stands in for both.
HQ_DISTRICTS = {"35.10": "35.10.16"}  # Polresta Banyuwangi, Banyuwangi town
KPU_WAREHOUSES = {"35.10": "35.10.14"}  # KPU Banyuwangi's warehouse at Kabat
FORCES = ("polri", "tni", "linmas")
STAGE_ORDER = [k for k, _ in Stage.Kind.choices]
QR_SALT = "kawal.planning.assignment"


# --- roles ---------------------------------------------------------------------------------


def has_role(user, region_code: str, *roles: str) -> bool:
    """Whether the user holds one of `roles` over `region_code` (or a region above it)."""
    return scope_for_roles(user, roles).covers(region_code)


def require_role(user, region_code: str, *roles: str) -> None:
    require_roles(user, roles, f"needs the role {' or '.join(roles)} over {region_code}", region_code)


# --- patterns ------------------------------------------------------------------------------


def patterns_of(operation: Operation) -> dict[str, Pattern]:
    """The operation's guarding patterns; Banyuwangi's defaults fill any category not set."""
    stored = {
        g.category: Pattern(g.polri, g.tps, g.linmas, g.tni)
        for g in GuardPattern.objects.filter(operation=operation)
    }
    return {**DEFAULT_PATTERNS, **stored}


@transaction.atomic
def set_patterns(operation: Operation, patterns: dict[str, Pattern], *, user) -> Plan:
    """Save the operation's patterns (command role) and re-plan the whole operation."""
    require_role(user, operation.region_id, Role.COMMAND)
    for category in patterns:
        if category not in TPS.Risk.values:
            raise ValueError(f"category {category!r} is not a TPS risk category")
    for category, p in patterns.items():
        GuardPattern.objects.update_or_create(
            operation=operation,
            category=category,
            defaults={"polri": p.polri, "tps": p.tps, "linmas": p.linmas, "tni": p.tni},
        )
    audit.record(
        "planning.patterns", operation, actor=user,
        patterns={c: f"{p} +{p.tni} TNI" for c, p in patterns.items()},
    )
    return make_plan(operation, user=user)


# --- reading the inputs --------------------------------------------------------------------


@dataclass
class Inputs:
    points: list[TpsPoint]
    tps_ids: dict[str, int]
    districts: list[Place]
    villages: list[Place]
    warehouse: Place
    stages: list[str]
    patterns: dict[str, Pattern]
    people: list[Person]


def _anchor(region: Region, mapping: dict[str, str], districts: dict[str, Place]) -> Place:
    code = mapping.get(region.code)
    if code in districts:
        return districts[code]
    return min(districts.values(), key=lambda d: (km(region.lat, region.lng, d.lat, d.lng), d.code))


def read_inputs(operation: Operation) -> Inputs:
    region = operation.region
    areas = Region.objects.filter(within("code", region.code)).exclude(code=region.code)
    districts, villages = {}, {}
    for code, name, level, lat, lng in areas.values_list("code", "name", "level", "lat", "lng"):
        if level == Region.Level.KECAMATAN:
            districts[code] = Place(code, name, lat, lng)
        elif level == Region.Level.DESA:
            villages[code] = Place(code, name, lat, lng)
    if not districts:
        raise ValueError(f"operation {operation.code}: region {region.code} has no districts")
    hq = _anchor(region, HQ_DISTRICTS, districts)
    tps_rows = TPS.objects.filter(within("code", region.code)).values_list(
        "id", "code", "lat", "lng", "risk"
    )
    points, tps_ids = [], {}
    for pk, code, lat, lng, risk in tps_rows:
        points.append(TpsPoint(code, lat, lng, risk))
        tps_ids[code] = pk
    places = {**districts, **villages}
    absent = Absence.objects.filter(operation=operation).values("member_id")
    members = (
        Member.objects.filter(within("region__code", region.code))
        .exclude(id__in=absent)
        .values_list("id", "force", "region_id", "unit__kind", "unit__region_id")
    )
    people = []
    for pk, force, home, unit_kind, unit_region in members:
        if force == "linmas":
            at = places.get(home, hq)
            people.append(Person(pk, force, at.lat, at.lng, village=home))
        elif unit_kind == Unit.Kind.POLSEK:
            at = places.get(unit_region, hq)
            people.append(Person(pk, force, at.lat, at.lng, local_district=unit_region))
        else:
            at = places.get(home, hq)
            people.append(Person(pk, force, at.lat, at.lng))
    stages = sorted(operation.stages.values_list("kind", flat=True), key=STAGE_ORDER.index)
    return Inputs(
        points=points,
        tps_ids=tps_ids,
        districts=sorted(districts.values(), key=lambda d: d.code),
        villages=sorted(villages.values(), key=lambda v: v.code),
        warehouse=_anchor(region, KPU_WAREHOUSES, districts),
        stages=stages,
        patterns=patterns_of(operation),
        people=people,
    )


def compute(inputs: Inputs) -> tuple[list[PostSpec], Solution]:
    """The pure planner: posts from the TPS and stages, then the assignment."""
    names = {v.code: v.name for v in inputs.villages}
    posts = (
        tps_posts(inputs.points, inputs.patterns, names) if "voting" in inputs.stages else []
    ) + stage_posts(inputs.stages, inputs.districts, inputs.villages, inputs.warehouse, inputs.points)
    return posts, assign(inputs.people, slots_for(posts))


# --- storing a plan ------------------------------------------------------------------------


def _post_row(plan: Plan, spec: PostSpec) -> Post:
    return Post(
        plan=plan, code=spec.code, kind=spec.kind, stage=spec.stage, name=spec.name,
        district_id=spec.district, category=spec.category, lat=spec.lat, lng=spec.lng,
        polri=spec.polri, tni=spec.tni, linmas=spec.linmas,
        linmas_by_village=spec.linmas_by_village,
        route=[{"from": leg.start, "to": leg.end, "km": leg.km} for leg in spec.route],
    )


@transaction.atomic
def make_plan(operation: Operation, *, user=None) -> Plan:
    """A new draft plan for the whole operation; the previous draft is superseded."""
    raised = assessment.raise_for_incidents(operation)
    inputs = read_inputs(operation)
    specs, solution = compute(inputs)
    superseded = list(
        Plan.objects.filter(operation=operation, status=Plan.Status.DRAFT).values_list("id", flat=True)
    )
    Plan.objects.filter(id__in=superseded).update(status=Plan.Status.SUPERSEDED)
    version = (Plan.objects.filter(operation=operation).aggregate(v=Max("version"))["v"] or 0) + 1
    actor = user if user is not None and user.is_authenticated else None
    plan = Plan.objects.create(
        operation=operation, version=version, created_by=actor,
        patterns={c: f"{p} +{p.tni} TNI" for c, p in inputs.patterns.items()},
    )
    posts = Post.objects.bulk_create([_post_row(plan, s) for s in specs], batch_size=500)
    post_ids = {p.code: p.pk for p in posts}
    PostTPS.objects.bulk_create(
        (PostTPS(post_id=post_ids[s.code], tps_id=inputs.tps_ids[c]) for s in specs for c in s.tps),
        batch_size=2000,
    )
    Assignment.objects.bulk_create(
        (
            Assignment(
                plan=plan, post_id=post_ids[p.slot.post], member_id=p.person, stage=p.slot.stage,
                force=p.slot.force, travel_km=p.km,
            )
            for p in solution.placements
        ),
        batch_size=2000,
    )
    audit.record(
        "planning.plan", plan, actor=actor, version=version, posts=len(specs),
        assignments=len(solution.placements), unfilled=len(solution.unfilled),
        superseded=superseded, risk_raised=raised,
    )
    return plan


def current_plan(operation: Operation) -> Plan | None:
    """The newest plan that is not superseded: the draft being worked on, else the approved one."""
    return (
        Plan.objects.filter(operation=operation)
        .exclude(status=Plan.Status.SUPERSEDED)
        .order_by("-version")
        .first()
    )


def operation_for(region: Region) -> Operation | None:
    """The newest operation whose region holds `region`."""
    return assessment.covering_operation(region.code)


def plan_for_region(region: Region) -> Plan | None:
    operation = operation_for(region)
    return current_plan(operation) if operation else None


@transaction.atomic
def approve(plan: Plan, *, user) -> Plan:
    require_role(user, plan.operation.region_id, Role.COMMAND)
    if plan.status != Plan.Status.DRAFT:
        raise ValueError(f"plan v{plan.version} is {plan.status}; only a draft can be approved")
    previous = list(
        Plan.objects.filter(operation=plan.operation, status=Plan.Status.APPROVED).values_list(
            "id", flat=True
        )
    )
    Plan.objects.filter(id__in=previous).update(status=Plan.Status.SUPERSEDED)
    plan.status = Plan.Status.APPROVED
    plan.approved_at = timezone.now()
    plan.approved_by = user
    plan.save(update_fields=["status", "approved_at", "approved_by"])
    audit.record("planning.approve", plan, actor=user, version=plan.version, superseded=previous)
    return plan


# --- availability and partial re-plans -----------------------------------------------------


def _spec(post: Post) -> PostSpec:
    return PostSpec(
        code=post.code, kind=post.kind, stage=post.stage, name=post.name,
        district=post.district_id, lat=post.lat, lng=post.lng, polri=post.polri, tni=post.tni,
        linmas=post.linmas, category=post.category, linmas_by_village=post.linmas_by_village,
        route=tuple(Leg(leg["from"], leg["to"], leg["km"]) for leg in post.route),
    )


def _replan_part(plan: Plan, stage: str, force: str, part: str, people: list[Person]) -> list[dict]:
    """Re-solve one stage's slots of one force inside `part` (a district, or a Linmas village).

    Everyone else in the plan keeps their post; the pool is the part's current holders and
    the members free in that stage. Ties keep the current holder, so the diff stays small.
    """
    district = part[:8]
    posts = list(plan.posts.filter(stage=stage, district_id=district))
    code_of = {p.pk: p.code for p in posts}
    slots = [
        s for s in slots_for([_spec(p) for p in posts])
        if s.force == force and (force != "linmas" or s.village == part)
    ]
    old = [
        (pk, code_of[post_id], member)
        for pk, post_id, member, home in Assignment.objects.filter(
            plan=plan, stage=stage, force=force, post_id__in=code_of
        ).values_list("id", "post_id", "member_id", "member__region_id")
        if force != "linmas" or home == part
    ]
    before = {(code, member) for _, code, member in old}
    taken = set(
        Assignment.objects.filter(plan=plan, stage=stage)
        .exclude(id__in=[pk for pk, _, _ in old])
        .values_list("member_id", flat=True)
    )
    pool = [
        p for p in people
        if p.force == force and p.id not in taken and (force != "linmas" or p.village == part)
    ]
    solution = assign(pool, slots, frozenset(before))
    after = {(p.slot.post, p.person) for p in solution.placements}
    Assignment.objects.filter(id__in=[pk for pk, _, _ in old]).delete()
    post_ids = {code: pk for pk, code in code_of.items()}
    Assignment.objects.bulk_create(
        Assignment(
            plan=plan, post_id=post_ids[p.slot.post], member_id=p.person, stage=stage,
            force=force, travel_km=p.km,
        )
        for p in solution.placements
    )
    nrp = dict(
        Member.objects.filter(id__in={m for _, m in before | after}).values_list("id", "nrp")
    )
    return [
        {"post": post, "stage": stage, "force": force, "removed": nrp[m], "added": None}
        for post, m in sorted(before - after)
    ] + [
        {"post": post, "stage": stage, "force": force, "removed": None, "added": nrp[m]}
        for post, m in sorted(after - before)
    ]


@transaction.atomic
def mark_absent(
    operation: Operation, member: Member, reason: str, *, note: str = "", user
) -> list[PlanChange]:
    """Take a member out of the operation and re-plan only the parts where they served."""
    require_role(user, member.region_id, Role.COMMAND, Role.SECTOR)
    if reason not in Absence.Reason.values:
        raise ValueError(f"reason {reason!r} must be one of {', '.join(Absence.Reason.values)}")
    if Absence.objects.filter(operation=operation, member=member).exists():
        raise ValueError(f"member {member.nrp} is already marked unavailable")
    Absence.objects.create(
        operation=operation, member=member, reason=reason, note=note, recorded_by=user
    )
    people = read_inputs(operation).people
    changes = []
    for plan in Plan.objects.filter(operation=operation).exclude(status=Plan.Status.SUPERSEDED):
        held = Assignment.objects.filter(plan=plan, member=member).values_list(
            "stage", "force", "post__district_id"
        )
        parts = sorted({(stage, force, member.region_id if force == "linmas" else d)
                        for stage, force, d in held})
        if not parts:
            continue
        diff = []
        for stage, force, part in parts:
            diff += _replan_part(plan, stage, force, part, people)
        scope = ",".join(sorted({part for _, _, part in parts}))
        changes.append(
            PlanChange.objects.create(
                plan=plan, by=user, reason=f"{member.nrp}: {reason}", scope=scope, diff=diff
            )
        )
        audit.record(
            "planning.replan", plan, actor=user, member=member.nrp, reason=reason, scope=scope,
            diff=diff,
        )
    return changes


@transaction.atomic
def mark_available(operation: Operation, member: Member, *, user) -> None:
    """The member serves again; the next plan includes them (no post is taken from anyone)."""
    require_role(user, member.region_id, Role.COMMAND, Role.SECTOR)
    Absence.objects.filter(operation=operation, member=member).delete()
    audit.record("planning.available", member, actor=user, operation=operation.code)


# --- reading a plan ------------------------------------------------------------------------


@dataclass
class Figures:
    required: int = 0
    assigned: int = 0

    @property
    def shortfall(self) -> int:
        return max(self.required - self.assigned, 0)

    @property
    def ratio(self) -> float:
        return self.assigned / self.required if self.required else 1.0


@dataclass
class Area:
    code: str
    name: str
    tps: int = 0
    tps_covered: int = 0
    posts: int = 0
    forces: dict[str, Figures] = field(default_factory=lambda: {f: Figures() for f in FORCES})

    @property
    def ratio(self) -> float:
        required = sum(f.required for f in self.forces.values())
        assigned = sum(min(f.assigned, f.required) for f in self.forces.values())
        return assigned / required if required else 1.0

    @property
    def colour(self) -> str:
        """green: fully staffed; amber: at least 90 %; red: below."""
        if self.ratio >= 1.0 and self.tps_covered == self.tps:
            return "green"
        return "amber" if self.ratio >= 0.9 else "red"


@dataclass
class PostLine:
    post: Post
    tps: list[str]
    forces: dict[str, Figures]
    members: dict[str, list[dict]]  # by force; empty for callers who may not see personnel

    @property
    def shortfall(self) -> dict[str, int]:
        return {f: n.shortfall for f, n in self.forces.items() if n.shortfall}

    @property
    def columns(self) -> list[tuple[str, Figures, list[dict]]]:
        return [(f, self.forces[f], self.members.get(f, [])) for f in FORCES]


@dataclass
class Coverage:
    plan: Plan
    region: Region
    total: Area
    districts: list[Area]
    posts: list[PostLine]

    @property
    def shortfall(self) -> list[PostLine]:
        return [p for p in self.posts if p.shortfall]


def _posts_in(plan: Plan, region: Region):
    posts = plan.posts.filter(within("code", region.code))
    if region.level == Region.Level.DESA:
        posts = plan.posts.filter(
            Q(code__startswith=region.code + "-")
            | Q(id__in=PostTPS.objects.filter(within("tps__code", region.code)).values("post_id"))
        )
    return posts


def coverage(
    plan: Plan, region: Region, *, with_personnel: bool, tps_codes: bool = True
) -> Coverage:
    """Requirement, assignment and shortfall per force for a region, per district and per post."""
    region_posts = _posts_in(plan, region).order_by("code")
    children = {
        code: Area(code, name)
        for code, name in Region.objects.filter(within("code", region.code), level=Region.Level.KECAMATAN)
        .values_list("code", "name")
    }
    total = Area(region.code, region.name)
    total.tps = TPS.objects.filter(within("code", region.code)).count()
    for district, n in (
        TPS.objects.filter(within("code", region.code))
        .values_list("village__parent_id").annotate(n=Count("id")).values_list("village__parent_id", "n")
    ):
        if district in children:
            children[district].tps = n
    covered = (
        PostTPS.objects.filter(post__plan=plan, post__in=region_posts)
        .filter(within("tps__code", region.code))
        .values_list("post__district_id", "tps_id")
        .distinct()
    )
    for district, _ in covered:
        total.tps_covered += 1
        if district in children:
            children[district].tps_covered += 1
    lines: dict[int, PostLine] = {}
    for post in region_posts:
        forces = {f: Figures(required=getattr(post, f)) for f in FORCES}
        lines[post.pk] = PostLine(post, [], forces, {f: [] for f in FORCES})
        for area in (total, children.get(post.district_id)):
            if area is None:
                continue
            area.posts += 1
            for f in FORCES:
                area.forces[f].required += forces[f].required
    rows = Assignment.objects.filter(plan=plan, post__in=region_posts)
    if with_personnel:
        for post_id, force, nrp, name, rank, unit, km_ in rows.values_list(
            "post_id", "force", "member__nrp", "member__name", "member__rank", "member__unit__name",
            "travel_km",
        ).order_by("member__name"):
            lines[post_id].members[force].append(
                {"nrp": nrp, "name": name, "rank": rank, "unit": unit, "travel_km": km_}
            )
    for post_id, force, n in rows.values_list("post_id", "force").annotate(n=Count("id")).values_list(
        "post_id", "force", "n"
    ):
        line = lines[post_id]
        line.forces[force].assigned += n
        for area in (total, children.get(line.post.district_id)):
            if area is not None:
                area.forces[force].assigned += n
    if tps_codes:
        for post_id, code in PostTPS.objects.filter(post__in=region_posts).values_list(
            "post_id", "tps__code"
        ).order_by("tps__code"):
            lines[post_id].tps.append(code)
    return Coverage(
        plan=plan,
        region=region,
        total=total,
        districts=[children[c] for c in sorted(children)],
        posts=list(lines.values()),
    )


def _figures(forces: dict[str, Figures]) -> dict:
    return {
        f: {"required": n.required, "assigned": n.assigned, "shortfall": n.shortfall}
        for f, n in forces.items()
    }


def _area_dict(area: Area) -> dict:
    return {
        "code": area.code,
        "name": area.name,
        "tps": area.tps,
        "tps_covered": area.tps_covered,
        "posts": area.posts,
        "forces": _figures(area.forces),
    }


def as_dict(result: Coverage, *, with_personnel: bool) -> dict:
    """The plan's coverage for a region as plain JSON data (the API and `kawal plan --json`).

    Without personnel rights, posts carry counts only: no names, no NRP.
    """
    plan = result.plan
    return {
        "operation": plan.operation.code,
        "plan": {"id": plan.pk, "version": plan.version, "status": plan.status},
        "region": _area_dict(result.total),
        "districts": [_area_dict(d) for d in result.districts],
        "shortfall": [
            {"post": line.post.code, "name": line.post.name, "stage": line.post.stage,
             "missing": line.shortfall}
            for line in result.shortfall
        ],
        "posts": [
            {
                "code": line.post.code,
                "kind": line.post.kind,
                "stage": line.post.stage,
                "name": line.post.name,
                "district": line.post.district_id,
                "category": line.post.category,
                "lat": line.post.lat,
                "lng": line.post.lng,
                "tps": line.tps,
                "route": line.post.route,
                "forces": _figures(line.forces),
                "members": line.members if with_personnel else None,
            }
            for line in result.posts
        ],
    }


# --- the deployment list (daftar ploting personel) -----------------------------------------


@dataclass(frozen=True)
class DeploymentRow:
    assignment_id: int
    stage: str
    post_code: str
    post_name: str
    tps: str
    force: str
    nrp: str
    name: str
    rank: str
    unit: str
    travel_km: float


def polsek_name(district: Region) -> str:
    sector = district.sectors.filter(kind="polsek").order_by("code").first()
    return sector.name if sector else f"Polsek {district.name}"


def deployment_list(plan: Plan, district: Region) -> list[DeploymentRow]:
    """Every assignment at the district's posts, in stage, post and force order."""
    if district.level != Region.Level.KECAMATAN:
        raise ValueError(f"region {district.code}: the deployment list is per Polsek (district)")
    tps_of: dict[int, list[str]] = defaultdict(list)
    for post_id, code in (
        PostTPS.objects.filter(post__plan=plan, post__district=district)
        .order_by("tps__code")
        .values_list("post_id", "tps__code")
    ):
        tps_of[post_id].append(code[-3:])
    rows = Assignment.objects.filter(plan=plan, post__district=district).values_list(
        "id", "stage", "post_id", "post__code", "post__name", "force", "member__nrp",
        "member__name", "member__rank", "member__unit__name", "travel_km",
    )
    force_order = {f: i for i, f in enumerate(FORCES)}
    result = [
        DeploymentRow(pk, stage, code, name, ", ".join(tps_of.get(post_id, [])), force, nrp,
                      person, rank, unit, km_)
        for pk, stage, post_id, code, name, force, nrp, person, rank, unit, km_ in rows
    ]
    result.sort(
        key=lambda r: (STAGE_ORDER.index(r.stage), r.post_code, force_order[r.force], r.name)
    )
    return result


def assignment_token(assignment: Assignment) -> str:
    """What a member's QR code carries: their post and stage, signed so the field app can trust it."""
    return signing.dumps(
        {
            "plan": assignment.plan_id,
            "post": assignment.post.code,
            "stage": assignment.stage,
            "nrp": assignment.member.nrp,
        },
        salt=QR_SALT,
        compress=True,
    )


def read_assignment_token(token: str) -> dict:
    """The assignment a scanned QR code names; raises signing.BadSignature if it was altered."""
    return signing.loads(token, salt=QR_SALT)


@dataclass(frozen=True)
class Scan:
    plan: Plan
    post: Post
    stage: str
    nrp: str
    current: bool  # the plan is still in force and the member still holds the post


def scan(token: str) -> Scan:
    """What the field app learns from a scanned assignment QR code."""
    try:
        data = read_assignment_token(token)
    except signing.BadSignature as exc:
        raise ValueError("token: not a Kawal assignment code, or altered") from exc
    post = Post.objects.select_related("plan").filter(plan_id=data["plan"], code=data["post"]).first()
    if post is None:
        raise ValueError(f"token: post {data['post']} is not in plan {data['plan']}")
    holds = Assignment.objects.filter(
        post=post, stage=data["stage"], member__nrp=data["nrp"]
    ).exists()
    return Scan(
        plan=post.plan, post=post, stage=data["stage"], nrp=data["nrp"],
        current=holds and post.plan.status != Plan.Status.SUPERSEDED,
    )

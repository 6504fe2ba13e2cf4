"""Deployment plans, the writes: make a plan, approve it, set the patterns, re-plan around
an absent member.

This module owns the transactions. inputs.py reads what a plan is made from; posts.py groups
the TPS and lays out the other posts and solver.py assigns the members, both on plain data.
Reading a plan's staffing is coverage.py's.
"""

from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from kawal.accounts import audit
from kawal.accounts.models import Role
from kawal.accounts.scope import require_roles
from kawal.operations.models import Operation
from kawal.personnel.models import Force, Member
from kawal.planning import assessment
from kawal.planning.inputs import Inputs, read_inputs
from kawal.planning.models import Absence, Assignment, GuardPattern, Plan, PlanChange, Post, PostTPS
from kawal.planning.posts import Leg, Pattern, PostSpec, stage_posts, tps_posts
from kawal.planning.solver import Person, Solution, assign, slots_for
from kawal.territory.models import TPS

EDITORS = (Role.COMMAND, Role.SECTOR)


@transaction.atomic
def set_patterns(operation: Operation, patterns: dict[str, Pattern], *, user: User) -> Plan:
    """Save the operation's patterns (command role) and re-plan the whole operation."""
    code = operation.region_id
    require_roles(user, (Role.COMMAND,), f"needs the role command over {code}", code)
    for category in patterns:
        if category not in TPS.Risk.values:
            raise ValueError(f"category {category!r} is not a TPS risk category")
    for category, p in patterns.items():
        GuardPattern.objects.update_or_create(
            operation=operation,
            category=category,
            defaults={"polri": p.polri, "tps": p.tps, "linmas": p.linmas, "tni": p.tni},
        )
    # One action, one entry: the patterns saved and the plan they made.
    plan, made = _new_plan(operation, user)
    audit.record(
        "planning.patterns", operation, actor=user,
        patterns={c: f"{p} +{p.tni} TNI" for c, p in patterns.items()}, plan=plan.pk, **made,
    )
    return plan


def compute(inputs: Inputs) -> tuple[list[PostSpec], Solution]:
    """The pure planner: posts from the TPS and stages, then the assignment."""
    names = {v.code: v.name for v in inputs.villages}
    posts = (
        tps_posts(inputs.points, inputs.patterns, names) if "voting" in inputs.stages else []
    ) + stage_posts(
        inputs.stages, inputs.districts, inputs.villages, inputs.warehouse, inputs.points,
        inputs.stage_days,
    )
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
def make_plan(operation: Operation, *, user: User | None = None) -> Plan:
    """A new draft plan for the whole operation; the previous draft is superseded. `user`
    None: made by the system (`kawal plan`)."""
    plan, made = _new_plan(operation, user)
    audit.record("planning.plan", plan, actor=plan.created_by, **made)
    return plan


def _new_plan(operation: Operation, user: User | None) -> tuple[Plan, dict[str, Any]]:
    """The new draft plan, and what its audit entry says about it."""
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
    return plan, {
        "version": version, "posts": len(specs), "assignments": len(solution.placements),
        "unfilled": len(solution.unfilled), "superseded": superseded, "risk_raised": raised,
    }


def current_plan(operation: Operation) -> Plan | None:
    """The newest plan that is not superseded: the draft being worked on, else the approved one."""
    return (
        Plan.objects.filter(operation=operation)
        .exclude(status=Plan.Status.SUPERSEDED)
        .order_by("-version")
        .first()
    )


@transaction.atomic
def approve(plan: Plan, *, user: User) -> Plan:
    """Approve a draft (command role); the plan approved before it is superseded."""
    code = plan.operation.region_id
    require_roles(user, (Role.COMMAND,), f"needs the role command over {code}", code)
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
        if s.force == force and (force != Force.LINMAS or s.village == part)
    ]
    old = [
        (pk, code_of[post_id], member)
        for pk, post_id, member, home in Assignment.objects.filter(
            plan=plan, stage=stage, force=force, post_id__in=code_of
        ).values_list("id", "post_id", "member_id", "member__region_id")
        if force != Force.LINMAS or home == part
    ]
    before = {(code, member) for _, code, member in old}
    taken = set(
        Assignment.objects.filter(plan=plan, stage=stage)
        .exclude(id__in=[pk for pk, _, _ in old])
        .values_list("member_id", flat=True)
    )
    pool = [
        p for p in people
        if p.force == force and p.id not in taken and (force != Force.LINMAS or p.village == part)
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
    operation: Operation, member: Member, reason: str, *, note: str = "", user: User
) -> list[PlanChange]:
    """Take a member out of the operation and re-plan only the parts where they served."""
    code = member.region_id
    require_roles(user, EDITORS, f"needs the role command or sector over {code}", code)
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
        parts = sorted({(stage, force, member.region_id if force == Force.LINMAS else d)
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
    # One action, one entry: the absence, and each plan it re-planned.
    audit.record(
        "planning.absent", member, actor=user, operation=operation.code, reason=reason,
        replanned=[{"plan": c.plan_id, "scope": c.scope, "diff": c.diff} for c in changes],
    )  # fmt: skip
    return changes


@transaction.atomic
def mark_available(operation: Operation, member: Member, *, user: User) -> None:
    """The member serves again; the next plan includes them (no post is taken from anyone)."""
    code = member.region_id
    require_roles(user, EDITORS, f"needs the role command or sector over {code}", code)
    Absence.objects.filter(operation=operation, member=member).delete()
    audit.record("planning.available", member, actor=user, operation=operation.code)

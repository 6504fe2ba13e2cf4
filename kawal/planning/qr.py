"""An assignment's QR code: what it carries, signed, and what a scan of it tells the field app."""

from dataclasses import dataclass

from django.core import signing

from kawal.planning.models import Assignment, Plan, Post

QR_SALT = "kawal.planning.assignment"


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

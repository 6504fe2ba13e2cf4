"""The re-plan log in words: who went out and who came in, at which post, in which stage.

A PlanChange stores codes (post codes, stage codes, NRPs, the reason's code); the plan and
member pages show them as the room reads them: post names, stage names, rank, name and NRP.
Two queries whatever the number of changes: the posts named, and the members named.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from kawal.operations.models import Stage
from kawal.personnel.models import Force, Member
from kawal.planning.models import Absence, PlanChange, Post
from kawal.territory.models import Region


@dataclass(frozen=True)
class Line:
    post: str  # the post's name
    post_code: str
    stage: str
    force: str
    removed: str  # "rank name (NRP)", or empty
    added: str


@dataclass(frozen=True)
class Change:
    version: int
    at: datetime
    reason: str
    scope: str  # the re-solved areas' names
    lines: list[Line]


def _person(nrp: str | None, members: dict[str, Member]) -> str:
    if not nrp:
        return ""
    member = members.get(nrp)
    return f"{member.rank} {member.name} ({nrp})" if member else nrp


def _reason(reason: str, members: dict[str, Member]) -> str:
    """`NRP: reason code` (planning/service.py `mark_absent`) as "rank name (NRP): sick"."""
    nrp, _, code = reason.partition(": ")
    label = Absence.Reason(code).label if code in Absence.Reason.values else code
    return f"{_person(nrp, members)}: {label}" if code else reason


def described(changes: Iterable[PlanChange]) -> list[Change]:
    """Each change, with its diff's codes put in words."""
    changes = list(changes)
    posts = {
        (plan, code): name
        for plan, code, name in Post.objects.filter(
            plan__in={c.plan_id for c in changes},
            code__in={d["post"] for c in changes for d in c.diff},
        ).values_list("plan_id", "code", "name")
    }
    nrps = {c.reason.partition(": ")[0] for c in changes}
    nrps |= {d[k] for c in changes for d in c.diff for k in ("removed", "added") if d[k]}
    members = {m.nrp: m for m in Member.objects.filter(nrp__in=nrps).only("nrp", "name", "rank")}
    areas = dict(
        Region.objects.filter(
            code__in={part for c in changes for part in c.scope.split(",")}
        ).values_list("code", "name")
    )
    return [
        Change(
            version=c.plan.version,
            at=c.at,
            reason=_reason(c.reason, members),
            scope=", ".join(areas.get(part, part) for part in c.scope.split(",")),
            lines=[
                Line(
                    post=posts.get((c.plan_id, d["post"]), d["post"]),
                    post_code=d["post"],
                    stage=str(Stage.Kind(d["stage"]).label),
                    force=str(Force(d["force"]).label),
                    removed=_person(d["removed"], members),
                    added=_person(d["added"], members),
                )
                for d in c.diff
            ],
        )
        for c in changes
    ]

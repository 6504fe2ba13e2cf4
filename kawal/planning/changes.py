"""The re-plan log in words: who went out and who came in, at which post, in which stage.

A PlanChange stores codes (post codes, stage codes, NRPs, the reason's code); the plan and
member pages show them as the room reads them: post names, stage names, rank, name and NRP.
Two queries whatever the number of changes: the posts named, and the members named.
"""

from collections.abc import Callable, Iterable
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


def _reason(reason: str, members: dict[str, Member], people: bool) -> str:
    """`NRP: reason code` (planning/service.py `mark_absent`) as "rank name (NRP): sick";
    nothing of it for a reader who doesn't see the people."""
    nrp, _, code = reason.partition(": ")
    if code and not people:
        return ""
    label = Absence.Reason(code).label if code in Absence.Reason.values else code
    return f"{_person(nrp, members)}: {label}" if code else reason


def _shown(nrp: str | None, force: str, members: dict[str, Member], people: bool) -> str:
    if not nrp:
        return ""
    return _person(nrp, members) if people else force


def _line(diff: dict, post: str, members: dict[str, Member], people: bool) -> Line:
    force = str(Force(diff["force"]).label)
    return Line(
        post=post, post_code=diff["post"], stage=str(Stage.Kind(diff["stage"]).label),
        force=force, removed=_shown(diff["removed"], force, members, people),
        added=_shown(diff["added"], force, members, people),
    )  # fmt: skip


def described(
    changes: Iterable[PlanChange], *, people_in: Callable[[str], bool]
) -> list[Change]:
    """Each change, with its diff's codes put in words. Who went out and came in, and why,
    only where `people_in` holds for every area re-solved (the reader sees personnel
    there): elsewhere a line names the force alone."""
    changes = list(changes)
    people = {c.pk: all(people_in(part) for part in c.scope.split(",")) for c in changes}
    posts = {
        (plan, code): name
        for plan, code, name in Post.objects.filter(
            plan__in={c.plan_id for c in changes},
            code__in={d["post"] for c in changes for d in c.diff},
        ).values_list("plan_id", "code", "name")
    }
    named = [c for c in changes if people[c.pk]]  # only their members are read
    nrps = {c.reason.partition(": ")[0] for c in named}
    nrps |= {d[k] for c in named for d in c.diff for k in ("removed", "added") if d[k]}
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
            reason=_reason(c.reason, members, people[c.pk]),
            scope=", ".join(areas.get(part, part) for part in c.scope.split(",")),
            lines=[
                _line(d, posts.get((c.plan_id, d["post"]), d["post"]), members, people[c.pk])
                for d in c.diff
            ],
        )
        for c in changes
    ]

"""Coverage: the staffing a plan requires against what it assigns, per area, stage and force.

The one read model of a plan's staffing. The plan pages and the plan API (`coverage`), the
command board (`staffing`) and any later report (sitrep, rakor) read their figures here, so
"required", "assigned" and "short" mean the same thing everywhere.

`staffing(plan, region, stage=...)` sums in the database, per district and stage, in a fixed
number of queries; its `StaffingTable` rolls that up per area, per stage or in total.
`coverage(plan, region)` adds what a plan page needs on top: TPS covered, each district's row
and each post's line. A new figure per force (members on post, from check-ins) belongs in
`Figures` and in `_tally`, which every caller goes through: `on_post` is such a figure.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet, Sum

from kawal.field.models import CheckIn
from kawal.operations.models import Stage
from kawal.personnel.models import Force
from kawal.planning.models import Assignment, Plan, Post, PostTPS
from kawal.territory.codes import lies_within, within
from kawal.territory.models import TPS, Region

DISTRICT_LENGTH = len("35.10.01")


@dataclass
class Figures:
    """One force's staffing: required by the posts, assigned by the plan, and on post: checked
    in near their post (kawal/field), or at a post with no check-in yet, as assigned."""

    required: int = 0
    assigned: int = 0
    on_post: int = 0

    @property
    def shortfall(self) -> int:
        return max(self.required - self.assigned, 0)

    @property
    def ratio(self) -> float:
        return self.assigned / self.required if self.required else 1.0

    def add(self, other: "Figures") -> None:
        self.required += other.required
        self.assigned += other.assigned
        self.on_post += other.on_post


def per_force() -> dict[str, Figures]:
    """Empty figures for every force, in Force order (the order of every table's columns)."""
    return {f: Figures() for f in Force.values}


@dataclass
class Staffing:
    """Posts and, per force, required against assigned: summed over some set of posts."""

    posts: int = 0
    forces: dict[str, Figures] = field(default_factory=per_force)

    def add(self, other: "Staffing") -> None:
        self.posts += other.posts
        for force, figures in other.forces.items():
            self.forces[force].add(figures)

    @property
    def ratio(self) -> float:
        """Assigned over required across forces; a force's surplus does not make up another's."""
        required = sum(f.required for f in self.forces.values())
        assigned = sum(min(f.assigned, f.required) for f in self.forces.values())
        return assigned / required if required else 1.0


@dataclass(kw_only=True)
class Area(Staffing):
    """One region's staffing, with its TPS and how many of them a post guards."""

    code: str
    name: str
    tps: int = 0
    tps_covered: int = 0

    @classmethod
    def of(
        cls, staffing: Staffing, *, code: str, name: str, tps: int = 0, tps_covered: int = 0
    ) -> "Area":
        """A region's row from its summed staffing (and, on the plan pages, its TPS)."""
        return cls(
            code=code, name=name, posts=staffing.posts, forces=staffing.forces, tps=tps,
            tps_covered=tps_covered,
        )

    @property
    def colour(self) -> str:
        """green: fully staffed; amber: at least 90 %; red: below."""
        if self.ratio >= 1.0 and self.tps_covered == self.tps:
            return "green"
        return "amber" if self.ratio >= 0.9 else "red"


@dataclass(kw_only=True)
class StageStaffing(Staffing):
    """One stage's staffing."""

    stage: str

    @property
    def label(self) -> str:
        return str(Stage.Kind(self.stage).label)


def _sum(cells: Iterable[Staffing]) -> Staffing:
    total = Staffing()
    for cell in cells:
        total.add(cell)
    return total


@dataclass
class StaffingTable:
    """A plan's staffing in a region, per (district code, stage kind)."""

    cells: dict[tuple[str, str], Staffing]

    def total(self, *, stage: str | None = None) -> Staffing:
        """Everything in the region, or in one stage."""
        return _sum(c for (_, s), c in self.cells.items() if stage in (None, s))

    def by_area(
        self, length: int = DISTRICT_LENGTH, *, stage: str | None = None
    ) -> dict[str, Staffing]:
        """Per area, sorted by code: each district's code cut to `length` (5: regencies;
        8: districts, the finest a plan goes). Only areas with posts appear."""
        areas: dict[str, Staffing] = defaultdict(Staffing)
        for (district, s), cell in self.cells.items():
            if stage in (None, s):
                areas[district[:length]].add(cell)
        return {code: areas[code] for code in sorted(areas)}

    def by_stage(self, *, area: str | None = None) -> list[StageStaffing]:
        """Per stage, in the operation's order, within the region or one area inside it."""
        stages: dict[str, StageStaffing] = {}
        for (district, s), cell in self.cells.items():
            if area is None or lies_within(district, area):
                stages.setdefault(s, StageStaffing(stage=s)).add(cell)
        return [stages[s] for s in Stage.Kind.values if s in stages]


def posts_in(plan: Plan, region: Region) -> QuerySet[Post]:
    """The plan's posts in a region. A village holds the posts of its TPS and its own escorts;
    larger regions hold the posts of their districts (a post's code starts with its district's)."""
    if region.level == Region.Level.DESA:
        return plan.posts.filter(
            Q(code__startswith=region.code + "-")
            | Q(id__in=PostTPS.objects.filter(within("tps__code", region.code)).values("post_id"))
        )
    return plan.posts.filter(within("code", region.code))


def _tally(posts: QuerySet[Post], by: tuple[str, ...]) -> dict[tuple, Staffing]:
    """Posts and required/assigned/on post per force, grouped by the post fields `by`."""
    cells: dict[tuple, Staffing] = defaultdict(Staffing)
    required = posts.order_by().values(*by).annotate(
        n=Count("id"), **{f: Sum(f) for f in Force.values}
    )
    for row in required:
        cell = cells[tuple(row[k] for k in by)]
        cell.posts += row["n"]
        for f in Force.values:
            cell.forces[f].required += row[f] or 0
    keys = [f"post__{k}" for k in by]
    assigned = (
        Assignment.objects.filter(post__in=posts.order_by().values("id"))
        .order_by()
        .values(*keys, "force")
        .annotate(n=Count("id"))
    )
    for row in assigned:
        figures = cells[tuple(row[k] for k in keys)].forces[row["force"]]
        figures.assigned += row["n"]
        figures.on_post += row["n"]
    _count_on_post(posts, keys, cells)
    return cells


def _count_on_post(posts: QuerySet[Post], keys: list[str], cells: dict[tuple, Staffing]) -> None:
    """Where a post has check-ins, its members on post are those who checked in near it, not
    those assigned: add the one, take away the other (two queries)."""
    checked = (
        CheckIn.objects.filter(post__in=posts.order_by().values("id"))
        .order_by()
        .values(*keys, "post_id", "member__force")
        .annotate(near=Count("member", distinct=True, filter=Q(far=False)))
    )
    checked_posts = {row["post_id"] for row in checked}
    for row in checked:
        cells[tuple(row[k] for k in keys)].forces[row["member__force"]].on_post += row["near"]
    if not checked_posts:
        return
    for row in (
        Assignment.objects.filter(post_id__in=checked_posts)
        .order_by()
        .values(*keys, "force")
        .annotate(n=Count("id"))
    ):
        cells[tuple(row[k] for k in keys)].forces[row["force"]].on_post -= row["n"]


def staffing(plan: Plan, region: Region, *, stage: str | None = None) -> StaffingTable:
    """The plan's staffing in `region` (optionally one stage's), per district and stage.

    A fixed number of queries, however many posts the region holds: the command board, the
    sitrep and the rakor read it on every refresh.
    """
    posts = posts_in(plan, region)
    if stage is not None:
        posts = posts.filter(stage=stage)
    return StaffingTable(dict(_tally(posts, ("district_id", "stage"))))


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
        return [(f, self.forces[f], self.members.get(f, [])) for f in Force.values]


@dataclass
class Coverage:
    plan: Plan
    region: Region
    table: StaffingTable
    total: Area
    districts: list[Area]
    posts: list[PostLine]

    @property
    def shortfall(self) -> list[PostLine]:
        return [p for p in self.posts if p.shortfall]

    @property
    def stages(self) -> list[StageStaffing]:
        return self.table.by_stage()


@dataclass
class _TpsCounts:
    tps: int  # in the region
    covered: int  # of them, guarded by a post
    tps_by_district: dict[str | None, int]  # by the village's parent, which may be unset
    covered_by_district: dict[str, int]


def _tps_counts(plan: Plan, region: Region, posts: QuerySet[Post]) -> _TpsCounts:
    in_region = TPS.objects.filter(within("code", region.code))
    by_district = dict(
        in_region.values_list("village__parent_id").annotate(n=Count("id"))
        .values_list("village__parent_id", "n")
    )
    covered = list(
        PostTPS.objects.filter(post__plan=plan, post__in=posts)
        .filter(within("tps__code", region.code))
        .values_list("post__district_id", "tps_id")
        .distinct()
    )
    covered_by_district: dict[str, int] = defaultdict(int)
    for district, _ in covered:
        covered_by_district[district] += 1
    return _TpsCounts(in_region.count(), len(covered), by_district, covered_by_district)


def _post_lines(posts: QuerySet[Post], *, with_personnel: bool, tps_codes: bool) -> list[PostLine]:
    figures = _tally(posts, ("id",))
    lines = {
        post.pk: PostLine(post, [], figures[(post.pk,)].forces, {f: [] for f in Force.values})
        for post in posts.order_by("code")
    }
    if with_personnel:
        for post_id, force, nrp, name, rank, unit, km_, home, phone in (
            Assignment.objects.filter(post__in=posts.order_by().values("id"))
            .values_list(
                "post_id", "force", "member__nrp", "member__name", "member__rank",
                "member__unit__name", "travel_km", "member__region_id", "member__phone",
            )
            .order_by("member__name")
        ):
            lines[post_id].members[force].append({"nrp": nrp, "name": name, "rank": rank,
                "unit": unit, "travel_km": km_, "region": home, "phone": phone})  # fmt: skip
    if tps_codes:
        for post_id, code in (
            PostTPS.objects.filter(post__in=posts.order_by().values("id"))
            .values_list("post_id", "tps__code")
            .order_by("tps__code")
        ):
            lines[post_id].tps.append(code)
    return list(lines.values())


def coverage(
    plan: Plan, region: Region, *, with_personnel: bool, tps_codes: bool = True
) -> Coverage:
    """The plan's coverage of a region: in total, per district, per stage and per post.

    With `with_personnel` each post line names its members; without it, counts only (the
    caller decides from the user's scope). `tps_codes=False` skips listing each post's TPS.
    """
    posts = posts_in(plan, region)
    table = staffing(plan, region)
    counts = _tps_counts(plan, region, posts)
    by_district = table.by_area(DISTRICT_LENGTH)
    districts = Region.objects.filter(
        within("code", region.code), level=Region.Level.KECAMATAN
    ).order_by("code")
    return Coverage(
        plan=plan,
        region=region,
        table=table,
        total=Area.of(
            table.total(), code=region.code, name=region.name, tps=counts.tps,
            tps_covered=counts.covered,
        ),
        districts=[
            Area.of(
                by_district.get(code, Staffing()), code=code, name=name,
                tps=counts.tps_by_district.get(code, 0),
                tps_covered=counts.covered_by_district[code],
            )
            for code, name in districts.values_list("code", "name")
        ],
        posts=_post_lines(posts, with_personnel=with_personnel, tps_codes=tps_codes),
    )


def _figures(forces: dict[str, Figures]) -> dict:
    return {
        f: {"required": n.required, "assigned": n.assigned, "shortfall": n.shortfall,
            "on_post": n.on_post}
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

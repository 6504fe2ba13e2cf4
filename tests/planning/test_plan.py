from collections import Counter, defaultdict

import pytest
from django.core.exceptions import PermissionDenied

from kawal.accounts.models import AuditEntry
from kawal.personnel.models import Member
from kawal.planning import coverage, service
from kawal.planning.models import Assignment, Plan, Post, PostTPS
from kawal.planning.posts import Pattern
from tests.conftest import user

# The small operation's Polri units (tests/factories.py).
UNITS = ("polres-contoh", "polsek-barat", "polsek-timur")
# A pattern that asks for more officers and soldiers than the small operation has.
SHORT = {"kurang_rawan": Pattern(3, 1, 2, 2)}


def test_every_tps_of_the_operation_is_covered_by_exactly_one_post(small_plan, small):
    covered = Counter(
        PostTPS.objects.filter(post__plan=small_plan).values_list("tps_id", flat=True)
    )
    assert set(covered) == {t.pk for t in small.tps}
    assert set(covered.values()) == {1}


def test_no_post_spans_two_districts(small_plan):
    for post_id, district, tps_code in PostTPS.objects.filter(post__plan=small_plan).values_list(
        "post_id", "post__district_id", "tps__code"
    ):
        assert tps_code.startswith(district + "."), post_id


def _assigned(plan):
    counts = Counter(Assignment.objects.filter(plan=plan).values_list("post_id", "force"))
    return counts


def test_every_post_meets_its_pattern_or_is_listed_in_the_shortfall_with_the_number_missing(
    small, small_plan
):
    plan = service.set_patterns(small.operation, SHORT, user=user("commander"))
    result = coverage.coverage(plan, small.regency, with_personnel=False)
    listed = {line.post.pk: line.shortfall for line in result.shortfall}
    assert listed
    assigned = _assigned(plan)
    for post in Post.objects.filter(plan=plan):
        missing = {
            f: getattr(post, f) - assigned[(post.pk, f)]
            for f in ("polri", "tni", "linmas")
            if assigned[(post.pk, f)] < getattr(post, f)
        }
        assert listed.get(post.pk, {}) == missing, post.code
        for f in ("polri", "tni", "linmas"):
            assert assigned[(post.pk, f)] <= getattr(post, f)
    assert result.total.forces["polri"].shortfall == sum(n.get("polri", 0) for n in listed.values())


def test_kurang_rawan_posts_follow_the_banyuwangi_pattern(small_plan):
    posts = Post.objects.filter(plan=small_plan, kind="tps", category="kurang_rawan")
    assert posts
    for post in posts:
        n_tps = post.post_tps.count()
        assert 1 <= n_tps <= 5 and post.polri == 1 and post.linmas == 2 * n_tps


def test_nobody_is_double_booked_in_a_stage(small_plan):
    per_shift = Counter(
        Assignment.objects.filter(plan=small_plan).values_list("member_id", "stage")
    )
    assert per_shift and max(per_shift.values()) == 1


def test_every_linmas_serves_their_own_village(small_plan):
    rows = Assignment.objects.filter(plan=small_plan, force="linmas").values_list(
        "member__region_id", "post_id"
    )
    villages = defaultdict(set)
    posted = PostTPS.objects.filter(post__plan=small_plan)
    for post_id, code in posted.values_list("post_id", "tps__code"):
        villages[post_id].add(code[:13])
    assert rows
    for home, post_id in rows:
        assert home in villages[post_id]


def test_polsek_members_serve_in_their_own_district_while_it_needs_them(small_plan):
    rows = Assignment.objects.filter(plan=small_plan, member__unit__kind="polsek", stage="voting")
    outside = [
        a for a in rows.values_list("member__unit__region_id", "post__district_id") if a[0] != a[1]
    ]
    assert rows.exists() and outside == []


def test_a_short_pattern_lists_each_post_missing_officers(small):
    heavy = {"kurang_rawan": Pattern(3, 1, 2, 1)}
    plan = service.set_patterns(small.operation, heavy, user=user("commander"))
    result = coverage.coverage(plan, small.regency, with_personnel=False)
    polri = result.total.forces["polri"]
    assert polri.required > Member.objects.filter(force="polri", unit__code__in=UNITS).count()
    assert polri.shortfall == polri.required - polri.assigned > 0
    assert sum(line.shortfall.get("polri", 0) for line in result.shortfall) == polri.shortfall


def test_saving_patterns_re_plans_and_supersedes_the_draft(small_plan, small):
    plan = small_plan
    new = service.set_patterns(
        small.operation, {"kurang_rawan": Pattern(1, 2, 4)}, user=user("commander")
    )
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUPERSEDED
    assert new.version == plan.version + 1 and new.patterns["kurang_rawan"] == "1-2-4 +0 TNI"
    assert max(p.post_tps.count() for p in new.posts.filter(kind="tps")) == 2
    assert AuditEntry.objects.filter(action="planning.patterns").exists()


def test_only_a_commander_may_change_patterns(small):
    with pytest.raises(PermissionDenied):
        service.set_patterns(
            small.operation, {"kurang_rawan": Pattern(1, 4, 8)}, user=user("polsek-barat")
        )


def test_a_commander_approves_a_draft_and_the_old_approval_is_superseded(small_plan, small):
    plan, commander = small_plan, user("commander")
    service.approve(plan, user=commander)
    second = service.make_plan(small.operation, user=commander)
    service.approve(second, user=commander)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUPERSEDED and second.status == Plan.Status.APPROVED
    assert second.approved_by == commander
    assert AuditEntry.objects.filter(action="planning.approve", target_id=str(second.pk)).exists()


def test_a_sector_user_cannot_approve(small_plan):
    with pytest.raises(PermissionDenied):
        service.approve(small_plan, user=user("polsek-barat"))


def test_an_approved_plan_cannot_be_approved_again(small_plan):
    service.approve(small_plan, user=user("commander"))
    with pytest.raises(ValueError, match="only a draft"):
        service.approve(small_plan, user=user("commander"))


def test_districts_short_of_people_are_coloured_red_on_the_coverage_map(small):
    plan = service.set_patterns(small.operation, SHORT, user=user("commander"))
    result = coverage.coverage(plan, small.regency, with_personnel=False)
    colours = {d.code: d.colour for d in result.districts}
    assert "red" in colours.values()
    for d in result.districts:
        if colours[d.code] == "green":
            assert all(f.shortfall == 0 for f in d.forces.values())
        else:
            assert any(f.shortfall for f in d.forces.values())

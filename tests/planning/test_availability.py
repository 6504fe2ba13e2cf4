import pytest
from django.core.exceptions import PermissionDenied

from kawal.planning import service
from kawal.planning.models import Absence, Assignment
from tests.conftest import user
from tests.factories import HOME


def _snapshot(plan):
    return set(
        Assignment.objects.filter(plan=plan).values_list(
            "post__code", "post__district_id", "stage", "member__nrp"
        )
    )


def _a_polsek_officer_at_a_tps_post(plan):
    return (
        Assignment.objects.filter(plan=plan, post__kind="tps", force="polri", member__unit__kind="polsek")
        .select_related("member", "post")
        .order_by("id")
        .first()
    )


def test_a_sick_officer_is_replaced_in_their_district_only_and_the_diff_says_so(small_plan, small):
    plan = small_plan
    held = _a_polsek_officer_at_a_tps_post(plan)
    member, district = held.member, held.post.district_id
    stages = set(Assignment.objects.filter(plan=plan, member=member).values_list("stage", flat=True))
    before = _snapshot(plan)

    [change] = service.mark_absent(small.operation, member, "sick", note="demam", user=user("commander"))

    after = _snapshot(plan)
    assert not Assignment.objects.filter(plan=plan, member=member).exists()
    # Outside the district nothing moved.
    assert {a for a in before if a[1] != district} == {a for a in after if a[1] != district}
    assert change.scope == district
    removed = [d for d in change.diff if d["removed"]]
    added = [d for d in change.diff if d["added"]]
    assert {(d["removed"], d["stage"]) for d in removed} == {(member.nrp, s) for s in stages}
    # Each vacancy is filled by one free member: the diff is the swap, not a reshuffle.
    assert len(added) == len(removed)
    assert {d["post"] for d in added} == {d["post"] for d in removed}
    assert len(before ^ after) == 2 * len(removed)


def test_a_linmas_who_falls_ill_leaves_a_shortfall_only_at_their_post(small_plan, small):
    plan = small_plan
    held = Assignment.objects.filter(plan=plan, force="linmas").select_related("member", "post").first()
    before = _snapshot(plan)
    [change] = service.mark_absent(small.operation, held.member, "sick", user=user("commander"))
    assert change.scope == held.member.region_id
    # Every Linmas of the village is already posted there, so nobody can step in.
    assert change.diff == [
        {"post": held.post.code, "stage": "voting", "force": "linmas",
         "removed": held.member.nrp, "added": None}
    ]
    assert before - _snapshot(plan) == {(held.post.code, held.post.district_id, "voting", held.member.nrp)}


def test_an_absent_member_is_left_out_of_the_next_plan(small_plan, small):
    plan = small_plan
    held = _a_polsek_officer_at_a_tps_post(plan)
    service.mark_absent(small.operation, held.member, "reassigned", user=user("commander"))
    fresh = service.make_plan(small.operation, user=user("commander"))
    assert not Assignment.objects.filter(plan=fresh, member=held.member).exists()
    service.mark_available(small.operation, held.member, user=user("commander"))
    assert not Absence.objects.filter(member=held.member).exists()


def test_a_sector_user_cannot_mark_someone_outside_their_district(small_plan, small):
    plan = small_plan
    held = _a_polsek_officer_at_a_tps_post(plan)
    other = "polsek-timur" if held.post.district_id == HOME else "polsek-barat"
    with pytest.raises(PermissionDenied):
        service.mark_absent(small.operation, held.member, "sick", user=user(other))


def test_it_rejects_an_unknown_reason_by_name(small_plan, small):
    plan = small_plan
    held = _a_polsek_officer_at_a_tps_post(plan)
    with pytest.raises(ValueError, match="reason"):
        service.mark_absent(small.operation, held.member, "bored", user=user("commander"))

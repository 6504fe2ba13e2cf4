"""Reading a simulation's world from the approved plan, placing it in time, and its tokens."""

from dataclasses import replace
from datetime import timedelta

import pytest

from kawal.accounts.models import ApiToken, AuditEntry
from kawal.custody import ledger
from kawal.field.models import EnrolmentCode
from kawal.planning import service
from kawal.planning.models import Assignment, Plan
from kawal.simulation import faults, preparation, script
from kawal.simulation import world as w
from kawal.simulation.preparation import NotReady
from tests.conftest import user
from tests.custody.conftest import home_route, journey
from tests.factories import COMMANDER, HOME, HOME_SECTOR, REGENCY, Small


@pytest.fixture
def approved(small: Small) -> Plan:
    commander = user(COMMANDER)
    return service.approve(service.make_plan(small.operation, user=commander), user=commander)


def test_a_district_s_world_holds_its_boxes_places_and_the_plan_s_team_for_every_duty(
    small, approved
):
    world = preparation.read_world(small.operation, HOME)
    assert world.kpu.code == REGENCY and list(world.districts) == [HOME]
    assert world.boxes == tuple(b.code for b in small.boxes_in(HOME))
    assert sorted(world.tps) == sorted(t.code for t in small.tps if t.code.startswith(HOME))
    assert {w.KPU_PPK, w.RECAP, w.PPK_KPU} <= {d for d, c in world.duties if c == HOME}
    for code in world.villages:
        assert world.team(w.PPK_PPS, code).post == f"{code}-KAWAL-PPK-PPS"
        assert world.team(w.PPS_PPK, code).post == f"{code}-KAWAL-PPS-PPK"
    assert all((w.TPS_POST, code) in world.duties for code in world.tps)
    team = world.team(w.KPU_PPK, HOME)
    planned = Assignment.objects.filter(plan=approved, post__code=team.post).exclude(
        force="linmas"
    )
    assert sorted(team.escorts) == sorted(planned.values_list("member__nrp", flat=True))
    assert team.leader in team.escorts and dict(team.members)[team.leader] == "polri"
    night = script.build(world, seed=1, profile="none")
    assert night.events >= 20 * len(world.boxes)
    # One district of the small operation holds too few boxes for one fault of each kind.
    regency = preparation.read_world(small.operation)
    assert len(script.build(regency, seed=1, profile="realistic").faults) == len(faults.KINDS)


def test_a_simulation_needs_the_operation_s_region_or_one_of_its_districts(small, approved):
    for region in (small.villages[0].code, "35.10", "35"):
        with pytest.raises(NotReady, match=f"--region must be {REGENCY} or one of its districts"):
            preparation.read_world(small.operation, region)


def test_a_simulation_needs_an_approved_plan(small):
    service.make_plan(small.operation, user=user(COMMANDER))
    with pytest.raises(NotReady, match="has no approved plan"):
        preparation.read_world(small.operation, HOME)


def test_a_simulation_starts_from_boxes_without_custody_events(small, approved):
    ledger.ingest(user(COMMANDER), journey(home_route(small))[:1])
    with pytest.raises(NotReady, match="already hold custody events"):
        preparation.read_world(small.operation, HOME)


def test_retiming_moves_the_operation_its_stages_and_seal_deadline_by_whole_days(small):
    operation = small.operation
    stages = {s.kind: (s.starts_at, s.ends_at) for s in operation.stages.all()}
    operation.custody_rules.seal_by = stages["voting"][1]
    operation.custody_rules.save(update_fields=["seal_by"])
    starts_at = operation.starts_at
    preparation.retime(operation, 730)
    later = timedelta(days=730)
    assert operation.starts_at == starts_at + later
    assert {s.kind: (s.starts_at, s.ends_at) for s in operation.stages.all()} == {
        kind: (a + later, b + later) for kind, (a, b) in stages.items()
    }
    operation.custody_rules.refresh_from_db()
    assert operation.custody_rules.seal_by == stages["voting"][1] + later
    assert AuditEntry.objects.filter(action="simulation.retime", details__days=730).exists()


def test_each_team_leader_gets_one_enrolment_code_and_alerts_are_read_by_command(
    small, approved
):
    world = preparation.read_world(small.operation, HOME)
    teams = dict(script.build(world, seed=1, profile="none").devices)
    nobody = replace(next(iter(teams.values())), members=(), assignment=None)
    teams[nobody.post] = nobody
    given = preparation.credentials(teams, HOME, REGENCY)
    assert set(given.codes) == set(teams) - {nobody.post}
    leaders = {(t.leader, t.region) for p, t in teams.items() if p in given.codes}
    assert len(set(given.codes.values())) == len(leaders)
    codes = EnrolmentCode.objects.filter(issued_by__username=COMMANDER)
    assert {(c.member.nrp, c.region_id) for c in codes} == leaders
    assert all(c.used_at is None for c in codes)

    def holder(token: str) -> str:
        return ApiToken.objects.get(digest=ApiToken.digest_of(token)).user.username

    assert {post: holder(t) for post, t in given.tokens.items()} == {nobody.post: HOME_SECTOR}
    assert holder(given.reader) == COMMANDER
    assert {t.assignment for t in world.teams.values() if t.members} <= set(
        Assignment.objects.filter(plan=approved).values_list("id", flat=True)
    )

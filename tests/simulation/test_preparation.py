"""Reading a simulation's world from the demo's approved plan, placing it in time, its tokens."""

from datetime import timedelta

import pytest

from kawal.accounts.models import ApiToken, AuditEntry
from kawal.custody import ledger
from kawal.custody.models import Box
from kawal.personnel.models import Member
from kawal.planning import service
from kawal.planning.models import Assignment
from kawal.simulation import preparation, script
from kawal.simulation import world as w
from kawal.simulation.preparation import NotReady
from tests.conftest import user
from tests.custody.conftest import journey, route_of

DISTRICT = "35.10.09"  # Genteng: the fewest TPS of the demo regency
FORCES = ("polri", "tni")


@pytest.fixture
def approved(demo):
    return service.approve(service.make_plan(demo, user=user("komandan")), user=user("komandan"))


def test_a_district_s_world_holds_its_boxes_places_and_the_plan_s_team_for_every_duty(
    demo, approved
):
    world = preparation.read_world(demo, DISTRICT)
    assert world.kpu.code == "35.10" and list(world.districts) == [DISTRICT]
    assert world.boxes and all(b.startswith(DISTRICT + ".") for b in world.boxes)
    assert len(world.boxes) == 2 * len(world.tps)
    for code in world.districts:
        assert {w.KPU_PPK, w.RECAP, w.PPK_KPU} <= {d for d, c in world.duties if c == code}
    for code in world.villages:
        assert world.team(w.PPK_PPS, code).post == f"{code}-KAWAL-PPK-PPS"
        assert world.team(w.PPS_PPK, code).post == f"{code}-KAWAL-PPS-PPK"
    assert all((w.TPS_POST, code) in world.duties for code in world.tps)
    team = world.team(w.KPU_PPK, DISTRICT)
    planned = Assignment.objects.filter(plan=approved, post__code=team.post).exclude(
        force="linmas"
    )
    assert sorted(team.escorts) == sorted(planned.values_list("member__nrp", flat=True))
    assert team.leader in team.escorts and dict(team.members)[team.leader] == "polri"
    assert script.build(world, seed=1, profile="realistic").events > 20 * len(world.boxes) - 10


def test_a_simulation_needs_the_operation_s_region_or_one_of_its_districts(demo, approved):
    for region in ("35.10.09.2001", "35.11", "35"):
        with pytest.raises(NotReady, match="--region must be 35.10 or one of its districts"):
            preparation.read_world(demo, region)


def test_a_simulation_needs_an_approved_plan(demo):
    service.make_plan(demo, user=user("komandan"))
    with pytest.raises(NotReady, match="has no approved plan"):
        preparation.read_world(demo, DISTRICT)


def test_a_simulation_starts_from_boxes_without_custody_events(demo):
    box = Box.objects.select_related("tps__village").filter(code__startswith="35.10.16.").first()
    escorts = [Member.objects.filter(force=f).values_list("nrp", flat=True)[0] for f in FORCES]
    ledger.ingest(user("petugas"), journey(route_of(box, *escorts))[:1])
    with pytest.raises(NotReady, match="already hold custody events"):
        preparation.read_world(demo, "35.10.16")


def test_retiming_moves_the_operation_its_stages_and_seal_deadline_by_whole_days(demo):
    stages = {s.kind: (s.starts_at, s.ends_at) for s in demo.stages.all()}
    demo.custody_rules.seal_by = stages["voting"][1]
    demo.custody_rules.save(update_fields=["seal_by"])
    starts_at = demo.starts_at
    preparation.retime(demo, 730)
    later = timedelta(days=730)
    assert demo.starts_at == starts_at + later
    assert {s.kind: (s.starts_at, s.ends_at) for s in demo.stages.all()} == {
        kind: (a + later, b + later) for kind, (a, b) in stages.items()
    }
    demo.custody_rules.refresh_from_db()
    assert demo.custody_rules.seal_by == stages["voting"][1] + later
    assert AuditEntry.objects.filter(action="simulation.retime", details__days=730).exists()


def test_each_phone_sends_with_its_district_s_sector_token_and_alerts_are_read_by_command(
    demo, approved
):
    world = preparation.read_world(demo, DISTRICT)
    devices = script.build(world, seed=1, profile="none").devices
    tokens, reader = preparation.tokens(devices, DISTRICT, "35.10")
    assert set(tokens) == set(devices)

    def holder(token: str) -> str:
        return ApiToken.objects.get(digest=ApiToken.digest_of(token)).user.username

    assert {holder(t) for t in tokens.values()} == {"polsek-genteng"}
    assert holder(reader) == "komandan"

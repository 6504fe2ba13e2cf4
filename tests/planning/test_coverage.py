"""Coverage is the one read model of a plan's staffing: every page that shows it agrees."""

from kawal.command.board import planned
from kawal.command.status import region_status
from kawal.operations.models import Stage
from kawal.personnel.models import Force
from kawal.planning import coverage
from kawal.planning.coverage import Area, Figures, Staffing
from kawal.territory.models import Region
from tests.conftest import logged_in
from tests.factories import HOME


def test_a_forces_surplus_does_not_make_up_another_forces_shortfall():
    area = Area(
        code="35.10.01", name="Pesanggaran", tps=4, tps_covered=4,
        forces={"polri": Figures(2, 4), "tni": Figures(0, 0), "linmas": Figures(8, 4)},
    )
    assert area.ratio == 0.6 and area.colour == "red"
    assert area.forces["linmas"].shortfall == 4 and area.forces["polri"].shortfall == 0
    assert Staffing().ratio == 1.0 and list(Staffing().forces) == Force.values


def test_the_plan_page_the_api_and_the_command_board_report_the_same_staffing(small_plan, small):
    plan, regency = small_plan, small.regency
    page = coverage.coverage(plan, regency, with_personnel=False)
    api = logged_in("commander").get(f"/api/v1/plan?region={regency.code}").json()
    board = planned(plan, regency, region_status(regency, with_personnel=True))
    for f in Force.values:
        figures = page.total.forces[f]
        assert figures == board.total.forces[f]
        assert (figures.required, figures.assigned) == (
            api["region"]["forces"][f]["required"], api["region"]["forces"][f]["assigned"]
        )
        # The post lines, counted on their own, add up to the same total.
        assert figures.required == sum(line.forces[f].required for line in page.posts)
        assert figures.assigned == sum(line.forces[f].assigned for line in page.posts)
    assert [(d.code, d.forces) for d in page.districts] == [
        (d.code, d.forces) for d in board.districts
    ]
    assert page.total.forces["polri"].required > 0


def test_one_stages_staffing_is_that_stages_share_of_the_plan(small_plan):
    district = Region.objects.get(code=HOME)
    table = coverage.staffing(small_plan, district)
    stages = table.by_stage()
    present = {s.stage for s in stages}
    assert [s.stage for s in stages] == [k for k in Stage.Kind.values if k in present]
    assert sum(s.posts for s in stages) == table.total().posts
    voting = coverage.staffing(small_plan, district, stage="voting").total()
    assert voting == table.total(stage="voting") == next(
        Staffing(s.posts, s.forces) for s in stages if s.stage == "voting"
    )
    assert voting.posts < table.total().posts

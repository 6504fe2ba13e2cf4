"""The demo generator reproduces the published Banyuwangi figures, the same way every time."""

from collections import Counter

import pytest
from django.db.models import Count, Max, Sum

from kawal.custody.models import Box
from kawal.demo import generator
from kawal.personnel.models import Member
from kawal.territory.distance import km
from kawal.territory.models import TPS


@pytest.fixture(scope="module")
def built():
    return generator.build(generator.SEED)


def test_it_builds_identical_data_from_the_same_seed(built):
    assert generator.build(generator.SEED) == built


def test_a_different_seed_gives_different_data(built):
    assert generator.build(generator.SEED + 1).tps != built.tps


def test_it_makes_2732_tps_with_1348925_voters_none_over_600(built):
    assert len(built.tps) == 2_732
    assert sum(t.voters for t in built.tps) == 1_348_925
    assert max(t.voters for t in built.tps) <= 600


def test_it_gives_every_village_a_tps(built):
    villages = {r.code for r in generator.read_regions() if r.level == "desa"}
    assert {t.village for t in built.tps} == villages


def test_the_five_rawan_tps_are_the_most_remote(built):
    risk = Counter(t.risk for t in built.tps)
    assert risk == {"kurang_rawan": 2_727, "rawan": 5}
    warehouse = next(
        r for r in generator.read_regions() if r.code == generator.KPU_WAREHOUSE_DISTRICT
    )

    def distance(t):
        return km(t.lat, t.lng, warehouse.lat, warehouse.lng)

    nearest_rawan = min(distance(t) for t in built.tps if t.risk == "rawan")
    farthest_other = max(distance(t) for t in built.tps if t.risk == "kurang_rawan")
    assert nearest_rawan > farthest_other


def test_it_makes_two_boxes_per_tps(built):
    assert len(built.box_codes) == 5_464
    assert {c for _, _, c in built.box_codes} == {"BUP", "GUB"}


def test_it_makes_personnel_in_the_published_proportions(built):
    units = {u.code: u for u in built.units}
    by_kind = Counter(units[m.unit].kind for m in built.members)
    polresta = by_kind["polres_hq"] + by_kind["polsek"]
    assert polresta == 850
    assert by_kind["kodim"] + by_kind["koramil"] == 316
    assert by_kind["lanal"] == 100
    assert by_kind["brimob"] == 30
    assert by_kind["linmas"] == 2 * 2_732
    assert len({m.nrp for m in built.members}) == len(built.members)


def test_every_tps_has_two_linmas_from_its_own_village(built):
    linmas_per_village = Counter(m.region for m in built.members if m.force == "linmas")
    tps_per_village = Counter(t.village for t in built.tps)
    assert linmas_per_village == Counter({v: 2 * n for v, n in tps_per_village.items()})


def test_every_district_has_a_polsek_and_a_koramil_and_the_port_has_its_polsek(built):
    kinds = Counter(s.kind for s in built.sectors)
    assert kinds == {"polsek": 26, "koramil": 25}
    assert any(s.name == "Polsek KPT Tanjungwangi" for s in built.sectors)


def test_the_database_holds_what_was_built(demo, built):
    assert TPS.objects.count() == 2_732
    totals = TPS.objects.aggregate(total=Sum("voters"), largest=Max("voters"))
    assert totals["total"] == 1_348_925
    assert totals["largest"] <= 600
    assert Box.objects.count() == 5_464
    assert dict(Member.objects.values_list("force").annotate(n=Count("id"))) == {
        "polri": 880,
        "tni": 416,
        "linmas": 5_464,
    }
    stored = list(TPS.objects.order_by("code").values_list("code", "voters", "lat", "lng", "risk"))
    expected = sorted((t.code, t.voters, t.lat, t.lng, t.risk) for t in built.tps)
    assert stored == expected

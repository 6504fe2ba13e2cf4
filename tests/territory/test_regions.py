"""The shipped Banyuwangi regions load with their codes, names, centroids and boundaries."""

import re

from shapely.geometry import Point

from kawal.territory.geometry import boundary_shape
from kawal.territory.models import TPS, Region, Sector


def test_it_loads_one_regency_25_districts_and_217_villages(demo):
    levels = Region.objects.values_list("level", flat=True)
    assert sorted(set(levels)) == ["desa", "kabupaten", "kecamatan"]
    assert Region.objects.filter(level="kabupaten").count() == 1
    assert Region.objects.filter(level="kecamatan", parent_id="35.10").count() == 25
    assert Region.objects.filter(level="desa", kind="desa").count() == 189
    assert Region.objects.filter(level="desa", kind="kelurahan").count() == 28


def test_region_codes_follow_kemendagri_format_and_nest_in_their_parent(demo):
    for region in Region.objects.exclude(level="kabupaten"):
        pattern = r"35\.10\.\d{2}" if region.level == "kecamatan" else r"35\.10\.\d{2}\.[12]\d{3}"
        assert re.fullmatch(pattern, region.code), region.code
        assert region.code.startswith(region.parent_id + ".")


def test_every_district_and_village_has_a_boundary_around_its_name(demo):
    for region in Region.objects.exclude(level="kabupaten"):
        assert region.name
        assert boundary_shape(region).area > 0


def test_tps_codes_extend_their_village_code(demo):
    for code, village, number in TPS.objects.values_list("code", "village_id", "number"):
        assert re.fullmatch(r"35\.10\.\d{2}\.[12]\d{3}-\d{3}", code)
        assert code == f"{village}-{number:03d}"


def test_every_tps_point_lies_inside_its_village_polygon(demo):
    shapes = {r.code: boundary_shape(r) for r in Region.objects.filter(level="desa")}
    outside = [
        code
        for code, village, lat, lng in TPS.objects.values_list("code", "village_id", "lat", "lng")
        if not shapes[village].contains(Point(lng, lat))
    ]
    assert outside == []


def test_every_tps_has_an_address_in_its_village(demo):
    for tps in TPS.objects.select_related("village"):
        assert tps.village.name in tps.address


def test_each_district_has_one_polsek_and_one_koramil_and_the_port_has_its_own(demo):
    for district in Region.objects.filter(level="kecamatan"):
        kinds = sorted(Sector.objects.filter(district=district).values_list("kind", flat=True))
        expected = (
            ["koramil", "polsek", "polsek"]
            if district.name == "Kalipuro"
            else ["koramil", "polsek"]
        )
        assert kinds == expected, district
    assert Sector.objects.get(name="Polsek KPT Tanjungwangi").district.name == "Kalipuro"

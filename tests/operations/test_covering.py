"""The operation covering each of many codes, read in two plain queries with its rules."""

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext

from kawal.operations.models import CustodyRules, Operation, covering_each
from tests.factories import HOME, OTHER


def test_each_code_gets_what_covering_first_gives_with_its_rules_read_beside_it(small):
    box, elsewhere = small.boxes_in(HOME)[0], small.boxes_in(OTHER)[0]
    district = Operation.objects.create(
        code="pengamanan-kota", name="Pengamanan Kota", region_id=box.tps.village.parent_id,
        starts_at=small.operation.starts_at + timedelta(days=1), ends_at=small.operation.ends_at,
    )  # fmt: skip
    CustodyRules.objects.create(operation=district, require_joint_escort=True)
    codes = [box.code, elsewhere.code, box.tps.code, "99.99.99.9999"]
    with CaptureQueriesContext(connection) as queries:
        found = covering_each(codes)
        rules = {code: getattr(o, "custody_rules", None) for code, o in found.items()}
    assert len(queries) == 2  # the rules, or their absence, come without a query of their own
    assert found == {c: Operation.objects.covering(c).first() for c in codes[:3]}
    assert found[box.code] == district and rules[box.code].require_joint_escort
    assert rules[box.code].operation is found[box.code]
    expected = CustodyRules.objects.filter(operation=small.operation).first()
    assert rules[elsewhere.code] == expected


def test_no_codes_read_nothing(small):
    with CaptureQueriesContext(connection) as queries:
        assert covering_each([]) == {}
    assert len(queries) == 0

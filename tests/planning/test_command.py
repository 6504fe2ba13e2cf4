import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from kawal.planning import service
from kawal.planning.models import Plan
from kawal.planning.posts import Pattern
from tests.conftest import user


def _run(*args) -> str:
    out = StringIO()
    call_command("plan", *args, stdout=out)
    return out.getvalue()


def test_kawal_plan_json_plans_the_demo_and_prints_coverage_and_shortfall(demo):
    data = json.loads(_run("--json"))
    assert Plan.objects.filter(operation=demo, status="draft").count() == 1
    assert data["region"]["code"] == "35.10"
    assert data["region"]["tps_covered"] == data["region"]["tps"] == 2732
    for force in ("polri", "tni", "linmas"):
        assert set(data["region"]["forces"][force]) == {"required", "assigned", "shortfall", "on_post"}
    assert "posts" not in data


def test_kawal_plan_json_lists_every_post_short_of_people(small):
    short = {"kurang_rawan": Pattern(3, 1, 2, 2)}
    service.set_patterns(small.operation, short, user=user("commander"))
    data = json.loads(_run("--json", "--operation", small.operation.code))
    for force in ("polri", "tni"):
        missing = sum(s["missing"].get(force, 0) for s in data["shortfall"])
        assert missing == data["region"]["forces"][force]["shortfall"] > 0


def test_kawal_plan_reuses_the_current_plan_unless_asked_for_a_new_one(small):
    operation = ("--operation", small.operation.code)
    first = json.loads(_run("--json", *operation))["plan"]["version"]
    assert json.loads(_run("--json", *operation))["plan"]["version"] == first
    assert json.loads(_run("--json", "--new", *operation))["plan"]["version"] == first + 1


def test_kawal_plan_prints_a_table_per_district(demo):
    text = _run("--region", "35.10.01")
    assert "Pesanggaran" in text and "125/125" in text


def test_kawal_plan_names_a_bad_region(small):
    with pytest.raises(CommandError, match="--region"):
        _run("--region", "99.99", "--operation", small.operation.code)

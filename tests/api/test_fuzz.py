"""schemathesis against /api/v1/openapi.json, in-process over WSGI: every operation, with a
token for command, sector and observer, an enrolled field phone's, and none, on the small
operation, derandomized (a fixed seed) with EXAMPLES cases per operation. Every answer must
be no 5xx, a status the schema declares, with the declared content type and body."""

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from kawal.accounts.models import ApiToken
from kawal.field import devices
from kawal.personnel.models import Member
from tests.conftest import user
from tests.factories import COMMANDER, HOME, HOME_SECTOR, OBSERVER, OTHER, REGENCY
from tests.field.conftest import new_key, spki

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 25


@pytest.fixture
def same_connection():
    """Keep the test's database connection open across requests, as Django's test client
    does: the WSGI handler would otherwise close it, and the test's transaction with it."""
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@pytest.fixture
def tokens(small, same_connection) -> dict[str, dict[str, str]]:
    issued = {name: ApiToken.issue(user(name))[1] for name in (COMMANDER, HOME_SECTOR, OBSERVER)}
    member = Member.objects.filter(region__code__startswith=HOME, force="polri").first()
    code = devices.issue_code(nrp=member.nrp, region_code=HOME, actor=user(HOME_SECTOR)).code
    issued["phone"] = devices.enrol(code, spki(new_key()), "fuzz phone")[1]
    return {"anonymous": {}} | {
        name: {"Authorization": f"Bearer {token}"} for name, token in issued.items()
    }


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())
# Random text is never a code the small operation holds; these are, so that most operations
# also answer 200 with real rows, and their bodies are checked against the schema too.
REGIONS = (REGENCY, HOME, OTHER, f"{HOME}.2001", f"{HOME}.2001-001")
BOXES = (f"{HOME}.2001-001-BUP", f"{OTHER}.2002-003-GUB")


def _known(value: object, codes: tuple[str, ...]) -> object:
    """One of `codes` for most generated strings (chosen by the string, so replays match);
    the string itself for the rest, and anything that is no string as it was."""
    if not isinstance(value, str):
        return value
    pick = len(value) % (len(codes) + 1)
    return codes[pick] if pick < len(codes) else value


@schema.hook("map_query")
def _known_codes(context, query):
    if query and "region" in query:
        query["region"] = _known(query["region"], REGIONS)
    if query and "box" in query:
        query["box"] = _known(query["box"], BOXES)
    return query


@schema.hook("map_path_parameters")
def _known_box(context, path_parameters):
    if path_parameters and "code" in path_parameters:
        path_parameters["code"] = _known(path_parameters["code"], BOXES)
    return path_parameters


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_answer_is_declared_in_the_schema(case, tokens):
    for headers in tokens.values():
        case.call_and_validate(headers=headers, checks=CHECKS)

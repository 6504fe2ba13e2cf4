"""A phone's one-event custody batch, posted with a bearer token through the whole middleware
stack, costs the statements listed here and no more: one reads the token with its user, the
user's roles and the enrolled phone (accounts/api_auth.py); then the ledger's; then two for
the audit entry, its chain's head and its insert (accounts/audit.py). A statement added on
this path, the fixed cost of every sync, shows up here first."""

import json
import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import ON_POSTGRES, bearer
from tests.custody.conftest import journey, route  # noqa: F401  # route is a fixture

EVENTS = "/api/v1/custody/events"
LOCK = "SELECT pg_advisory_xact_lock"
EXPECTED = [
    "SELECT accounts_apitoken",  # the token, its user, their roles, the enrolled phone
    "SELECT territory_region",  # the event's place
    "SELECT operations_operation",  # the operation covering the box
    "SELECT operations_custodyrules",  # and its rules
    "SAVEPOINT",  # the ledger's transaction (in a test, inside the test's own)
    "SELECT custody_box",  # the box, locked (a batch this small is worked out under the lock)
    "SELECT custody_custodyevent",  # the batch's ids, stored already?
    "UPDATE custody_box",
    *(
        # The audit entry's id; then one statement takes the log's lock, reads its head,
        # numbers the event and links the audit entry (custody/bulk.py append()).
        ["SELECT", "WITH kawal_log_head"]
        if ON_POSTGRES
        # The one writer holds the lock: the log's size, the event, the audit chain's head
        # and next id, the entry.
        else [
            "SELECT custody_custodyevent", "INSERT custody_custodyevent",
            "SELECT accounts_auditentry", "INSERT accounts_auditentry",
        ]
    ),
    "RELEASE",
]


def shape(sql: str) -> str:
    """What a statement does and to which table first named in it."""
    sql = re.sub(r"^\d+ times: ", "", sql)  # executemany, as Django's SQLite backend logs it
    verb = sql.split()[0]
    if sql.startswith(LOCK):
        return LOCK
    table = re.search(r'(?:FROM|INTO|UPDATE)\s+"?(\w+)', sql)
    return f"{verb} {table.group(1)}" if table else verb


def test_a_one_event_batch_costs_the_listed_statements(route):  # noqa: F811
    first, second = journey(route)[:2]
    client = Client(enforce_csrf_checks=True)
    headers = bearer("officer")
    assert client.post(EVENTS, json.dumps([first]), content_type="application/json", **headers)
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            EVENTS, json.dumps([second]), content_type="application/json", **headers
        )
    assert response.json() == {"results": [{"id": second["id"], "status": "accepted"}]}
    assert [shape(q["sql"]) for q in queries.captured_queries] == EXPECTED

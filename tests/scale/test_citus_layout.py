"""The schema and the ledger's queries against the Citus layout docs/deploy.md describes.

docs/deploy.md's "National scale" table places every table: distributed by `regency`,
reference (copied to every node), or local to the coordinator. These tests read that table,
so a new table, a foreign key the layout can't hold, or a ledger query that would have to ask
every shard fails here before it reaches a national deployment.
"""

import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kawal.custody import ledger
from tests.conftest import bearer, user
from tests.custody.conftest import event, home_route, journey

DOC = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"
ROW = re.compile(r"^\| (?P<tables>`[^|]+`) \| (?P<kind>[^|]+) \| [^|]+ \|$")
KEY = "regency"


def layout() -> dict[str, str]:
    """Each table named in the doc's table, with "distributed", "reference" or "local"."""
    section = DOC.read_text().split("## National scale", 1)[1].split("\n## ", 1)[0]
    placed: dict[str, str] = {}
    for line in section.splitlines():
        match = ROW.match(line)
        if match:
            kind = match["kind"].split()[0]
            for table in re.findall(r"`(\w+)`", match["tables"]):
                assert table not in placed, f"{table} is placed twice"
                placed[table] = kind
    return placed


LAYOUT = layout()
DISTRIBUTED = {t for t, kind in LAYOUT.items() if kind == "distributed"}


def test_the_doc_places_the_ledger_and_nothing_else_distributed():
    assert set(LAYOUT.values()) == {"distributed", "reference", "local"}
    assert DISTRIBUTED == {"custody_box", "custody_custodyevent", "custody_alert"}


def test_every_table_is_placed_and_each_distributed_one_has_the_key():
    models = {m._meta.db_table: m for m in apps.get_models()}
    assert set(models) == set(LAYOUT), "docs/deploy.md's table and the schema differ"
    for table in DISTRIBUTED:
        assert KEY in {f.column for f in models[table]._meta.fields}, table


def test_no_reference_or_local_table_points_at_a_distributed_one():
    """Citus can't enforce such a key: a copied or coordinator row can't see the shards."""
    for model in apps.get_models():
        source = model._meta.db_table
        for field in model._meta.fields:
            if not field.is_relation or field.related_model is None:
                continue
            target = field.related_model._meta.db_table
            allowed = {"distributed", "reference"} if source in DISTRIBUTED else {"reference"}
            if LAYOUT[source] == "local":
                allowed.add("local")
            assert LAYOUT[target] in allowed, f"{source}.{field.column} -> {target}"


# FROM or JOIN a ledger table, with the alias Django gives a second join of it.
TOUCHES = re.compile(
    r'(?:FROM|JOIN|UPDATE|INTO)\s+"?('
    + "|".join(sorted(DISTRIBUTED))
    + r')"?(?:\s+(?:AS\s+)?"?(T\d+|b)"?)?'
)


def unrouted(sql: str) -> list[str]:
    """The ledger tables `sql` touches without naming their regency: on Citus, each would
    send the statement to every shard, or refuse a join across them. A statement on one
    table may name the column bare; a join must name it on each table it joins."""
    touches = list(TOUCHES.finditer(sql))
    # What a SELECT reads is no filter: look only from its FROM on.
    conditions = sql.split(" FROM ", 1)[1] if sql.startswith("SELECT") else sql
    if len(touches) == 1:
        return [] if re.search(rf"\b{KEY}\b", conditions) else [touches[0][1]]
    return [
        match[1]
        for match in touches
        if not re.search(rf'"?{match[2] or match[1]}"?\."?{KEY}"?', conditions)
    ]


# The one exception docs/deploy.md names: the Merkle log's head, read under its lock, which on
# Citus asks every shard. That is the price of one log for the nation.
LOG_HEAD = "SELECT max(position) AS p FROM custody_custodyevent"


def assert_routed(queries: CaptureQueriesContext) -> None:
    statements = [re.sub(r"^\d+ times: ", "", q["sql"]) for q in queries.captured_queries]
    touched = [sql for sql in statements if TOUCHES.search(sql) and LOG_HEAD not in sql]
    assert touched, "no ledger statement was seen"
    for sql in touched:
        assert not unrouted(sql), f"{unrouted(sql)} without {KEY}: {sql}"


@pytest.fixture
def routes(small):
    return [home_route(small, 0), home_route(small, 1)]


def test_ingest_names_the_regency_of_every_ledger_row_it_reads_or_writes(routes):
    officer = user("officer")
    first, second = (journey(r) for r in routes)
    ledger.ingest(officer, first[:6] + second[:3])
    late = second[3:5][::-1]  # out of order: the box's history is read and folded again
    at = datetime.fromisoformat(first[5]["occurred_at"]) + timedelta(minutes=5)
    correction = event(routes[0], "correction", at, routes[0].village)
    correction.update(corrects=first[5]["id"], note="wrong escort recorded")
    with CaptureQueriesContext(connection) as queries:
        answers = ledger.ingest(officer, [first[0], *late, first[6], correction])
    assert [a["status"] for a in answers] == ["duplicate", *["accepted"] * 4]
    assert_routed(queries)


def test_a_box_timeline_and_its_page_name_the_box_regency(client, routes):
    box = routes[0].box
    ledger.ingest(user("officer"), journey(routes[0]))
    token = bearer("commander")
    client.force_login(user("commander"))
    with CaptureQueriesContext(connection) as queries:
        api = client.get(f"/api/v1/custody/boxes/{box}", **token)
        page = client.get(f"/boxes/{box}/")
    assert (api.status_code, page.status_code) == (200, 200)
    assert api.json()["code"] == box and box.encode() in page.content
    assert_routed(queries)

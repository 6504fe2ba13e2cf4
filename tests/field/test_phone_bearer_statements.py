"""An enrolled phone's request reads its token, user, roles and phone in one statement, and
writes its last contact at most once a minute (field/devices.note_sync): a second request
within the minute reads none of them again."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

DUTY = "/api/v1/field/duty"
AUTH_TABLES = ("accounts_apitoken", "auth_user", "accounts_rolegrant", "field_device")


def _naming(queries, table: str) -> list[str]:
    return [q["sql"] for q in queries.captured_queries if table in q["sql"]]


def test_a_phone_is_known_by_one_statement(phone):
    assert phone.get(DUTY).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        assert phone.get(DUTY).status_code == 200
    first = queries.captured_queries[0]["sql"]
    assert all(table in first for table in AUTH_TABLES)
    for table in AUTH_TABLES:
        assert _naming(queries, table) == [first]


def test_the_first_request_notes_the_phones_contact(phone):
    with CaptureQueriesContext(connection) as queries:
        assert phone.get(DUTY).status_code == 200
    updates = [sql for sql in _naming(queries, "field_device") if sql.startswith("UPDATE")]
    assert len(updates) == 1

"""Properties of the ledger over many generated histories (hypothesis, on the database)."""

from datetime import timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kawal.accounts.models import ApiToken
from kawal.custody import append_only, columns, ledger, verification
from kawal.custody.models import Alert, Box, CustodyEvent
from tests.conftest import user
from tests.custody.conftest import journey
from tests.factories import HOME

PROPERTY = settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@st.composite
def deliveries(draw, size: int):
    """A device's events sent in any order, split into batches, some sent more than once."""
    order = draw(st.permutations(range(size)))
    resent = draw(st.lists(st.integers(0, size - 1), max_size=5))
    sends = list(order)
    for i in resent:
        sends.insert(draw(st.integers(0, len(sends))), i)
    cuts = sorted(draw(st.sets(st.integers(1, len(sends) - 1), max_size=4)))
    return [sends[a:b] for a, b in zip([0, *cuts], [*cuts, len(sends)], strict=True)]


@PROPERTY
@given(batches=deliveries(15))
def test_any_delivery_of_a_journey_ends_in_the_same_state_a_verifying_chain_and_no_alert(
    route, batches
):
    events = journey(route)
    with transaction.atomic():
        officer = user("officer")
        for batch in batches:
            ledger.ingest(officer, [events[i] for i in batch])
        box = Box.objects.get(code=route.box)
        assert (box.state, box.seals, box.expected_by, box.head_seq) == (
            Box.State.AT_KPU,
            ["KPU-0001", "KPU-0002"],
            None,
            15,
        )
        assert verification.verify(route.box).ok
        # Warnings raised while events were out of order lapse once they are all in.
        standing = Alert.objects.filter(box=box, status__in=(Alert.Status.OPEN, Alert.Status.ACKNOWLEDGED))
        assert not standing.exists()
        transaction.set_rollback(True)


def _edits(row: CustodyEvent, other_user: int, other_event: str) -> dict:
    """For each column, a value that differs from the stored one."""
    return {
        "kind": "note" if row.kind != "note" else "arrived",
        "occurred_at": row.occurred_at + timedelta(seconds=1),
        "received_at": row.received_at - timedelta(microseconds=1),
        "place": "35.09" if row.place != "35.09" else "35.09.01",
        "lat": (row.lat or 0) + 0.001,
        "lng": (row.lng or 0) - 0.001,
        "from_party": row.from_party + "x",
        "to_party": row.to_party + "x",
        "escorts": [*row.escorts[:1]],
        "seals": [*row.seals, "FAKE-1"],
        "document": row.document + "1",
        "note": row.note + ".",
        "corrects_id": other_event,
        "recorded_by_id": other_user,
        "prev_hash": "f" * 64,
        "hash": "0" * 64,
        "seq": row.seq + 100,
        "regency": "35.99",
        "signature": row.signature + "x",
        "cosignatures": [*row.cosignatures, {"device": "d", "signature": "x"}],
    }


def _a_device() -> str:
    """An enrolled phone's id, to claim in SQL that it signed an event."""
    from kawal.field import devices
    from kawal.personnel.models import Member
    from tests.field.conftest import new_key, spki

    nrp = Member.objects.filter(region__code__startswith=HOME).values_list("nrp", flat=True)
    issued = devices.issue_code(nrp=nrp[0], region_code=HOME, actor=user("commander"))
    return devices.enrol(issued.code, spki(new_key()))[0].pk


# An event's place in the log isn't hashed into its chain: verify --against checks it.
COLUMNS = [c.db_column for c in columns.EVENT if c.name not in ("id", "box", "position")]


@PROPERTY
@given(seq=st.integers(1, 15), column=st.sampled_from(COLUMNS))
def test_any_edit_of_a_stored_event_in_sql_is_caught_and_named(route, seq, column):
    with transaction.atomic():
        ledger.ingest(user("officer"), journey(route))
        row = CustodyEvent.objects.get(box__code=route.box, seq=seq)
        other = CustodyEvent.objects.filter(box__code=route.box).exclude(pk=row.pk).first()
        other_user = get_user_model().objects.get(username="commander").pk
        if column == "device_id":
            value = _a_device()
        elif column == "sent_with_id":
            value = ApiToken.issue(user("commander"))[0].pk  # as if another token had sent it
        else:
            value = _edits(row, other_user, other.pk)[column]
        if column == "escorts" and value == row.escorts:
            value = ["nobody"]
        field = CustodyEvent._meta.get_field(column)
        append_only.drop()  # as the database's owner could
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE custody_custodyevent SET {field.column} = %s WHERE id = %s",
                [
                    field.get_db_prep_save(value, connection),
                    CustodyEvent._meta.pk.get_db_prep_save(row.pk, connection),
                ],
            )
        report = verification.verify(route.box)
        assert not report.ok
        assert {b.box for b in report.broken} == {route.box}
        if column == "regency":
            # Filed under another regency, the event leaves its box's shard: a box's own
            # verify sees the gap, and the whole ledger's names the event.
            report = verification.verify()
        assert str(row.pk) in [b.event for b in report.broken]
        transaction.set_rollback(True)

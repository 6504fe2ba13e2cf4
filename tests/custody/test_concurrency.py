"""Two processes appending to one box at once leave one linear chain (PostgreSQL)."""

import multiprocessing
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import connections

from kawal.accounts.models import Role, RoleGrant
from kawal.custody import ledger, verification
from kawal.custody.models import Box, CustodyEvent
from kawal.territory.models import TPS, Region
from tests.conftest import ON_POSTGRES

pytestmark = pytest.mark.skipif(
    not ON_POSTGRES,
    reason="SQLite serialises writers with BEGIN IMMEDIATE, so two appenders can't race there; "
    "the race this test provokes needs PostgreSQL's row locks",
)
BOX = "35.10.16.1001-001-BUP"
EACH = 40


def _setup() -> None:
    """The demo is there only if an earlier test asked for it: make sure of what we need."""
    regions = [
        ("35", "Jawa Timur", "provinsi", None),
        ("35.10", "Banyuwangi", "kabupaten", "35"),
        ("35.10.16", "Banyuwangi", "kecamatan", "35.10"),
        ("35.10.16.1001", "Sobo", "desa", "35.10.16"),
    ]
    for code, name, level, parent in regions:
        Region.objects.get_or_create(
            code=code,
            defaults={"name": name, "level": level, "parent_id": parent, "lat": -8.2, "lng": 114.3},
        )
    tps, _ = TPS.objects.get_or_create(
        code="35.10.16.1001-001",
        defaults={
            "village_id": "35.10.16.1001",
            "number": 1,
            "voters": 300,
            "address": "Sobo",
            "lat": -8.2,
            "lng": 114.3,
        },
    )
    Box.objects.get_or_create(code=BOX, defaults={"tps": tps, "contest": "BUP"})
    for name in ("writer-a", "writer-b"):
        person = get_user_model().objects.create_user(name)
        RoleGrant.objects.create(user=person, role=Role.FIELD, region_id="35.10.16")


def _append(username: str, barrier) -> None:
    connections.close_all()
    writer = get_user_model().objects.get(username=username)
    at = datetime(2024, 11, 27, 12, 0, tzinfo=UTC)
    barrier.wait()
    for i in range(EACH):
        ledger.ingest(
            writer,
            [
                {
                    "id": str(uuid.uuid4()),
                    "box": BOX,
                    "kind": "note",
                    "place": "35.10.16.1001",
                    "occurred_at": (at + timedelta(seconds=i)).isoformat(),
                    "note": f"{username} {i}",
                }
            ],
        )
    connections.close_all()


@pytest.mark.postgres_only
def test_two_processes_appending_to_one_box_leave_one_linear_chain(transactional_db):
    _setup()
    connections.close_all()
    context = multiprocessing.get_context("fork")
    barrier = context.Barrier(2)
    workers = [
        context.Process(target=_append, args=(name, barrier)) for name in ("writer-a", "writer-b")
    ]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
    assert [w.exitcode for w in workers] == [0, 0]
    seqs = list(
        CustodyEvent.objects.filter(box__code=BOX).order_by("seq").values_list("seq", flat=True)
    )
    assert seqs == list(range(1, 2 * EACH + 1))
    assert verification.verify().ok
    assert Box.objects.get(code=BOX).head_seq == 2 * EACH

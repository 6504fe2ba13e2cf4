"""Which database a query goes to: the replica only inside a marked view, and only for reads."""

from django.db import transaction

from kawal.custody.models import Box
from kawal.replica import REPLICA, ReplicaRouter, reads_from_replica

router = ReplicaRouter()


def test_reads_outside_a_marked_view_stay_on_the_primary(settings):
    settings.DATABASES = {**settings.DATABASES, REPLICA: settings.DATABASES["default"]}
    assert router.db_for_read(Box) is None


def test_a_marked_view_reads_the_replica_but_writes_the_primary(settings):
    settings.DATABASES = {**settings.DATABASES, REPLICA: settings.DATABASES["default"]}
    seen = reads_from_replica(lambda: (router.db_for_read(Box), router.db_for_write(Box)))()
    assert seen == (REPLICA, "default")


def test_without_a_replica_a_marked_view_reads_the_primary():
    assert reads_from_replica(lambda: router.db_for_read(Box))() is None


def test_a_read_inside_a_transaction_stays_on_the_primary(settings, db):
    settings.DATABASES = {**settings.DATABASES, REPLICA: settings.DATABASES["default"]}
    with transaction.atomic():
        assert reads_from_replica(lambda: router.db_for_read(Box))() is None


def test_migrations_run_on_the_primary_only():
    assert (
        router.allow_migrate("default", "custody"),
        router.allow_migrate(REPLICA, "custody"),
    ) == (
        True,
        False,
    )

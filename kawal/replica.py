"""Reads for the wall and the overview from a streaming replica, when KAWAL_REPLICA_URL names one.

Election night puts two loads on one database: phones writing custody and many screens
re-reading the region totals every few seconds. A PostgreSQL streaming replica can take the
second. Only views marked `@reads_from_replica` read there: the overview, region and national
pages, their live fragments, the wall, and `GET /api/v1/status`. They show totals, where a
second's replication lag is harmless. Everything else reads the primary, so a page someone
opens right after recording (a box's timeline, an alert, the plan) shows what they just did.
Every write, and every read inside a transaction, goes to the primary.
"""

import contextvars
import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

REPLICA = "replica"

_reading_from_replica = contextvars.ContextVar("kawal_reading_from_replica", default=False)

P = ParamSpec("P")
R = TypeVar("R")


def reads_from_replica(view: Callable[P, R]) -> Callable[P, R]:
    """Run the view's reads on the replica, where one is configured."""

    @functools.wraps(view)
    def reading(*args: P.args, **kwargs: P.kwargs) -> R:
        token = _reading_from_replica.set(True)
        try:
            return view(*args, **kwargs)
        finally:
            _reading_from_replica.reset(token)

    return reading


class ReplicaRouter:
    """Django's database router for the `replica` alias (settings.DATABASE_ROUTERS)."""

    def db_for_read(self, model: type, **hints: Any) -> str | None:
        if (
            _reading_from_replica.get()
            and REPLICA in settings.DATABASES
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return None

    def db_for_write(self, model: type, **hints: Any) -> str:
        return DEFAULT_DB_ALIAS

    def allow_relation(self, first: object, second: object, **hints: Any) -> bool:
        return True  # the replica holds the same rows as the primary

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == DEFAULT_DB_ALIAS

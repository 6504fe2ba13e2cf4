"""Django's SQLite backend, with write transactions queued for the database's one write lock.

SQLite lets one transaction write at a time. A writer that finds the lock taken sleeps and
tries again, up to 100 ms a try, long after the lock came free: with 16 phones syncing
through 2 gunicorn workers of 4 threads, most of a short request went in those sleeps. Here
a write transaction (Kawal begins every one IMMEDIATE) first queues on a lock of its own:
the threads of one process on a threading lock, which hands over at once, and the processes
on an advisory lock file beside the database, tried every 50 microseconds: a one-event batch
holds it about a millisecond, so a process trying every millisecond lost about as long again
after each release (one event a request went from about 270 to 350-400 a second). Only the
one at the head of the queue asks SQLite.

The queue only orders writers; SQLite's own lock still guards the data, so a writer that
waited out the database's timeout in the queue goes on to SQLite as before, and an
in-memory database (the tests) has no queue.
"""

import fcntl
import threading
import time
from typing import Any

from django.db.backends.sqlite3 import base

RETRY = 0.00005  # seconds between tries of the lock file, while another process writes
_locks: dict[str, threading.Lock] = {}
_locks_lock = threading.Lock()


def _process_lock(path: str) -> threading.Lock:
    with _locks_lock:
        return _locks.setdefault(path, threading.Lock())


class DatabaseWrapper(base.DatabaseWrapper):
    # The hooks below are Django's own (BaseDatabaseWrapper); django-stubs leaves them out.
    _queued: tuple[threading.Lock, Any] | None = None

    def _queue_path(self) -> str | None:
        if self.is_in_memory_db():
            return None
        return f"{self.settings_dict['NAME']}.writers"

    def _enter_queue(self) -> None:
        path = self._queue_path()
        if path is None:
            return
        timeout = float(self.settings_dict.get("OPTIONS", {}).get("timeout", 5))
        deadline = time.monotonic() + timeout
        in_process = _process_lock(path)
        if not in_process.acquire(timeout=timeout):
            return
        file = open(path, "a")  # noqa: SIM115  # held until the transaction ends
        while True:
            try:
                fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    file.close()
                    in_process.release()
                    return
                time.sleep(RETRY)
        self._queued = (in_process, file)

    def _leave_queue(self) -> None:
        if self._queued is None:
            return
        in_process, file = self._queued
        self._queued = None
        file.close()  # releases the lock file
        in_process.release()

    def _start_transaction_under_autocommit(self) -> None:
        self._enter_queue()
        try:
            super()._start_transaction_under_autocommit()  # type: ignore[misc]
        except BaseException:
            self._leave_queue()
            raise

    def _commit(self) -> None:
        try:
            super()._commit()  # type: ignore[misc]
        finally:
            self._leave_queue()

    def _rollback(self) -> None:
        try:
            super()._rollback()  # type: ignore[misc]
        finally:
            self._leave_queue()

    def _close(self) -> None:
        try:
            super()._close()  # type: ignore[misc]
        finally:
            self._leave_queue()

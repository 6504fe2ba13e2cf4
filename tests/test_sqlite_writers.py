"""Kawal's SQLite backend queues write transactions (kawal/sqlite/base.py): on a database file
of its own, every writer of many threads commits, each in turn, and the queue is free again
the moment a transaction commits, rolls back or its connection closes."""

import fcntl
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.db.utils import ConnectionHandler


@contextmanager
def atomic(connection):
    """What transaction.atomic does on SQLite, on a connection of these tests' own handler."""
    connection.ensure_connection()
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    try:
        yield
    except BaseException:
        connection.rollback()
        raise
    else:
        connection.commit()
    finally:
        connection.set_autocommit(True)


@pytest.fixture
def connections(tmp_path: Path, django_db_blocker):
    handler = ConnectionHandler(
        {
            "default": {
                "ENGINE": "kawal.sqlite",
                "NAME": tmp_path / "queue.sqlite3",
                "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
            }
        }
    )
    with django_db_blocker.unblock():
        with handler["default"].cursor() as cursor:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("CREATE TABLE counter (n integer)")
            cursor.execute("INSERT INTO counter VALUES (0)")
        yield handler, tmp_path / "queue.sqlite3.writers"
        handler.close_all()


def _taken_elsewhere(lock_file: Path) -> bool:
    """Whether another process would find the writers' lock file held."""
    with open(lock_file, "a") as other:
        try:
            fcntl.flock(other, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(other, fcntl.LOCK_UN)
        return False


def test_every_writer_of_many_threads_commits_in_turn(connections):
    handler, _ = connections
    errors: list[BaseException] = []

    def writer():
        try:
            connection = handler["default"]
            for _ in range(20):
                with atomic(connection), connection.cursor() as cursor:
                    cursor.execute("SELECT n FROM counter")
                    (n,) = cursor.fetchone()
                    cursor.execute("UPDATE counter SET n = %s", [n + 1])
            connection.close()
        except BaseException as exc:  # noqa: BLE001  # reported by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=writer) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with handler["default"].cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        assert cursor.fetchone() == (160,)


def test_the_queue_is_held_for_the_transaction_and_freed_by_commit_or_rollback(connections):
    handler, lock_file = connections
    connection = handler["default"]
    with atomic(connection):
        connection.cursor().execute("UPDATE counter SET n = 1")
        assert _taken_elsewhere(lock_file)
    assert not _taken_elsewhere(lock_file)
    with pytest.raises(ZeroDivisionError), atomic(connection):
        connection.cursor().execute("UPDATE counter SET n = 2")
        1 / 0  # noqa: B018
    assert not _taken_elsewhere(lock_file)
    with connection.cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        assert cursor.fetchone() == (1,)


def test_an_in_memory_database_has_no_queue(django_db_blocker):
    handler = ConnectionHandler({"default": {"ENGINE": "kawal.sqlite", "NAME": ":memory:"}})
    connection = handler["default"]
    with django_db_blocker.unblock(), atomic(connection):
        connection.cursor().execute("SELECT 1")
        assert connection._queued is None
    handler.close_all()


def test_closing_a_connection_mid_transaction_frees_the_queue(connections):
    handler, lock_file = connections
    connection = handler["default"]
    connection.ensure_connection()
    connection.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
    assert _taken_elsewhere(lock_file)
    connection.close()
    assert not _taken_elsewhere(lock_file)

"""Documents too long to make while a browser waits (a regency's 5,464 box labels, its whole
deployment list): made by a thread beside the web worker, one part at a time, and written
under KAWAL_DATA_DIR/documents with a state file that says how far it got.

A document has a name (its file name, without .pdf) and parts: functions that each lay
out one part (a district's labels, say) as a WeasyPrint document. The pages start a
document with `start()`, poll `progress()`, and serve `ready_file()` when it is done.
Several web workers share the directory: a lock file lets one thread make a document at a
time, and a state not updated for STALLED is taken for a worker that stopped.
"""

import json
import os
import threading
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import connections
from django.utils import timezone

if TYPE_CHECKING:
    from weasyprint.document import Document

Part = Callable[[], "Document"]
STALLED = timedelta(minutes=10)
NONE, RUNNING, READY, FAILED = "none", "running", "ready", "failed"


@dataclass
class Progress:
    state: str  # NONE, RUNNING, READY or FAILED
    done: int = 0
    total: int = 0
    updated_at: str = ""  # ISO time of the last step
    error: str = ""

    @property
    def percent(self) -> int:
        return int(100 * self.done / self.total) if self.total else 0

    @property
    def stalled(self) -> bool:
        if self.state != RUNNING or not self.updated_at:
            return False
        return timezone.now() - datetime.fromisoformat(self.updated_at) > STALLED


def folder() -> Path:
    path = Path(settings.DATA_DIR) / "documents"
    path.mkdir(parents=True, exist_ok=True)
    return path


def ready_file(name: str) -> Path | None:
    path = folder() / f"{name}.pdf"
    return path if path.exists() else None


def progress(name: str) -> Progress:
    try:
        found = Progress(**json.loads((folder() / f"{name}.json").read_text()))
    except FileNotFoundError:
        return Progress(READY if ready_file(name) else NONE)
    if found.stalled:
        return Progress(FAILED, found.done, found.total, found.updated_at,
                        "stopped: the worker making it ended")  # fmt: skip
    return found


def _write(name: str, state: Progress) -> None:
    state.updated_at = timezone.now().isoformat()
    temporary = folder() / f"{name}.json.tmp"
    temporary.write_text(json.dumps(asdict(state)))
    os.replace(temporary, folder() / f"{name}.json")


def _lock(name: str) -> bool:
    """Take the document's lock; a lock left by a stalled maker is taken over."""
    lock = folder() / f"{name}.lock"
    if lock.exists() and progress(name).state != RUNNING:
        lock.unlink(missing_ok=True)
    try:
        os.close(os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
    except FileExistsError:
        return False
    return True


def make(name: str, parts: Sequence[Part]) -> Progress:
    """Lay out each part, then write them as one PDF; the state says how far it got. Runs in
    the caller's thread: `start()` runs it in its own."""
    state = Progress(RUNNING, 0, len(parts) + 1)  # the parts, then writing the file
    _write(name, state)
    try:
        documents = []
        for part in parts:
            documents.append(part())
            state.done += 1
            _write(name, state)
        pages = [page for document in documents for page in document.pages]
        temporary = folder() / f"{name}.pdf.tmp"
        documents[0].copy(pages).write_pdf(temporary)
        os.replace(temporary, folder() / f"{name}.pdf")
        state.state, state.done = READY, state.total
    except Exception as exc:  # noqa: BLE001 - a thread's failure is shown, not lost
        state.state, state.error = FAILED, f"{type(exc).__name__}: {exc}"
    _write(name, state)
    return state


def start(name: str, parts: Sequence[Part]) -> Progress:
    """Make the document in a thread of its own, unless one is making it already."""
    if not _lock(name):
        return progress(name)
    _write(name, Progress(RUNNING, 0, len(parts) + 1))

    def run() -> None:
        try:
            make(name, parts)
        finally:
            (folder() / f"{name}.lock").unlink(missing_ok=True)
            connections.close_all()

    threading.Thread(target=run, name=f"kawal-paper-{name}", daemon=True).start()
    return progress(name)

"""Simulated field phones: each holds a queue of custody events and syncs it as the field app's
queue does (kawal/field/static/field/queue.js).

A phone sends the oldest queued events in a batch and keeps each until the server answers for
it: "accepted" or "duplicate" (stored, now or before) take it off the queue, "rejected" takes
it off too and keeps the reason, as the app marks it. A lost connection, a timeout or an answer
that isn't 200 leaves the batch queued, and the phone tries again after a backoff, the same
events with the same ids and the same content.
"""

import http.client
import json
import random
import threading
import time
from urllib.parse import urlsplit

BATCH = 5
BACKOFF = (0.05, 1.0)  # the first wait and the longest, in seconds (the app: 2 s and 60 s)
TIMEOUT = 10


class Device(threading.Thread):
    def __init__(self, name: str, url: str, token: str, seed: int):
        super().__init__(name=name, daemon=True)
        self.url, self.token = url, token
        self.queue: list[dict] = []
        self.rejected: dict[str, str] = {}  # event id: the server's reason
        self.sends = 0
        self.recorded_all = threading.Event()  # no more events will be recorded
        self._lock = threading.Lock()
        self._rng = random.Random(seed)

    def record(self, events: list[dict]) -> None:
        with self._lock:
            self.queue.extend(events)

    def pending(self) -> int:
        with self._lock:
            return len(self.queue)

    def run(self) -> None:
        failures = 0
        while True:
            with self._lock:
                batch = self.queue[:BATCH]
            if not batch:
                if self.recorded_all.is_set():
                    return
                time.sleep(0.02)
                continue
            results = self._send(batch)
            if results is None:
                failures += 1
                first, longest = BACKOFF
                time.sleep(min(longest, first * 2 ** (failures - 1)) * self._rng.uniform(0.8, 1.2))
                continue
            failures = 0
            self._settle(results)

    def _send(self, batch: list[dict]) -> list[dict] | None:
        """The server's per-event results, or None when this try brought no usable answer."""
        self.sends += 1
        parts = urlsplit(self.url)
        conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
        try:
            conn.request(
                "POST", "/api/v1/custody/events", body=json.dumps(batch),
                headers={
                    "Authorization": f"Bearer {self.token}",
                    "Content-Type": "application/json",
                },
            )  # fmt: skip
            answer = conn.getresponse()
            body = answer.read()
            return json.loads(body)["results"] if answer.status == 200 else None
        except (OSError, http.client.HTTPException, ValueError, KeyError):
            return None
        finally:
            conn.close()

    def _settle(self, results: list[dict]) -> None:
        answered = {r["id"]: r for r in results}
        with self._lock:
            for r in answered.values():
                if r["status"] == "rejected":
                    self.rejected[r["id"]] = r.get("error") or ""
            self.queue = [e for e in self.queue if e["id"] not in answered]

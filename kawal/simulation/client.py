"""The phones over HTTP: enrolled as the field app enrols them, each sends its batches in turn,
many phones at once, on a compressed clock, and retries what the network or a busy server
refused. A phone with records still queued says how many (X-Kawal-Pending).

A send goes out when the simulated clock reaches its time, its phone has no request in flight,
and no send more than HORIZON older is still unanswered: phones run side by side and their
records interleave, but none runs days ahead of another (a real phone's queue never does,
however slow the server is at a high --speed).
"""

import http.client
import json
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Mapping
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

from kawal.field.auth import PENDING_HEADER as PENDING
from kawal.simulation.journeys import HOUR
from kawal.simulation.phones import Phone, new_key
from kawal.simulation.script import Script, Send

HORIZON = HOUR
ATTEMPTS = 6
RETRY = {429, 500, 502, 503, 504}
TICK = 0.05  # seconds between looks at the clock
WORKERS = 16


class SendFailed(RuntimeError):
    """A request the server refused for good, or never answered."""


@dataclass(frozen=True)
class Clock:
    """Simulated time on the wall clock: `speed` simulated seconds pass in each real second."""

    starts_at: datetime
    speed: float
    started: float = field(default_factory=time.monotonic)

    def now(self) -> datetime:
        return self.starts_at + timedelta(seconds=(time.monotonic() - self.started) * self.speed)

    def wall(self, span: timedelta) -> float:
        """Real seconds that `span` of simulated time takes."""
        return span.total_seconds() / self.speed


class Http:
    """JSON over one kept-alive connection per thread."""

    def __init__(self, url: str, timeout: float = 60):
        parts = urlsplit(url)
        self.https, self.host = parts.scheme == "https", parts.netloc
        self.prefix = parts.path.rstrip("/") + "/api/v1/"
        self.timeout = timeout
        self.local = threading.local()

    def _connection(self) -> http.client.HTTPConnection:
        if getattr(self.local, "connection", None) is None:
            kind = http.client.HTTPSConnection if self.https else http.client.HTTPConnection
            self.local.connection = kind(self.host, timeout=self.timeout)
        return self.local.connection

    def request(self, method: str, path: str, token: str | None, body: object = None,
                headers: Mapping[str, str] | None = None) -> Any:  # fmt: skip
        """The JSON answer of a 200; retried on a dropped connection, a 429 or a 5xx."""
        data = json.dumps(body).encode() if body is not None else None
        sent = {"Content-Type": "application/json", **(headers or {})}
        if token:
            sent["Authorization"] = f"Bearer {token}"
        for attempt in range(ATTEMPTS):
            try:
                connection = self._connection()
                connection.request(method, self.prefix + path, body=data, headers=sent)
                response = connection.getresponse()
                status, text = response.status, response.read()
            except (OSError, http.client.HTTPException) as exc:
                self.local.connection = None
                status, text = 0, str(exc).encode()
            if status == 200:
                return json.loads(text)
            if status not in RETRY and status != 0:
                raise SendFailed(f"{method} {path}: {status} {text[:300].decode(errors='replace')}")
            time.sleep(min(0.2 * 2**attempt, 5))
        raise SendFailed(f"{method} {path}: no answer after {ATTEMPTS} attempts ({status})")


@dataclass
class Outcome:
    """What the server answered, record by record, tallied as the sends come back."""

    answers: Counter[tuple[str, str]] = field(default_factory=Counter)  # (endpoint, status)
    answers_to: dict[str, str] = field(default_factory=dict)  # record id -> its first answer
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (id, why)
    resent: dict[str, str] = field(default_factory=dict)  # id -> answer to the resend
    failed: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def note(self, send: Send, results: list[dict[str, Any]]) -> None:
        with self.lock:
            for r in results:
                self.answers[(send.endpoint, r["status"])] += 1
                self.answers_to.setdefault(str(r["id"]), r["status"])
                if r["status"] == "rejected":
                    self.rejected.append((str(r.get("id")), str(r.get("error"))))
                if send.resend:
                    self.resent[str(r["id"])] = r["status"]

    def count(self, status: str) -> int:
        return sum(n for (_, s), n in self.answers.items() if s == status)


def enrol(http: Http, codes: Mapping[str, str]) -> dict[str, Phone]:
    """Enrol a phone for each distinct code, as the field app does, and give each team (the
    keys of `codes`) its leader's phone."""

    def one(code: str) -> Phone:
        key, spki = new_key()
        answer = http.request("POST", "devices/enrol", None, {"code": code, "public_key": spki,
                                                              "label": "kawal simulate"})  # fmt: skip
        return Phone(answer["token"], str(answer["device"]), key)

    distinct = sorted(set(codes.values()))
    with ThreadPoolExecutor(WORKERS, thread_name_prefix="enrol") as pool:
        phones = dict(zip(distinct, pool.map(one, distinct), strict=True))
    return {post: phones[code] for post, code in codes.items()}


class Fleet:
    """Runs a script's sends against a server, each team's with its phone."""

    def __init__(self, http: Http, phones: Mapping[str, Phone], shift: timedelta):
        self.http, self.phones, self.shift = http, phones, shift
        self.outcome = Outcome()

    def send(self, send: Send, pending: int) -> None:
        phone = self.phones[send.device]
        body = [phone.wire(send.endpoint, item, self.shift) for item in send.items]
        headers = {PENDING: str(pending)} if phone.device else {}
        try:
            answer = self.http.request("POST", send.endpoint, phone.token, body, headers)
        except SendFailed as exc:
            with self.outcome.lock:
                self.outcome.failed.append(f"{send.device}: {exc}")
            return
        self.outcome.note(send, answer["results"])

    def run(self, script: Script, clock: Clock, tick: Callable[[int], None]) -> Outcome:
        """Send everything on the clock; `tick(sends done)` is called as they complete."""
        sends = script.sends
        queues: dict[str, deque[int]] = {}
        for i, s in enumerate(sends):
            queues.setdefault(s.device, deque()).append(i)
        done, oldest, count = [False] * len(sends), 0, 0
        flying: dict[Future[None], tuple[str, int]] = {}
        with ThreadPoolExecutor(WORKERS, thread_name_prefix="phone") as pool:
            while oldest < len(sends):
                now = clock.now()
                horizon = sends[oldest].at + HORIZON
                busy = {device for device, _ in flying.values()}
                for device, queue in queues.items():
                    if queue and device not in busy and sends[queue[0]].at <= min(now, horizon):
                        i = queue.popleft()
                        pending = sum(len(sends[k].items) for k in queue)
                        flying[pool.submit(self.send, sends[i], pending)] = (device, i)
                tick(count)
                if not flying:
                    time.sleep(TICK)
                    continue
                finished, _ = wait(flying, timeout=TICK, return_when=FIRST_COMPLETED)
                for future in finished:
                    future.result()
                    done[flying.pop(future)[1]] = True
                    count += 1
                while oldest < len(sends) and done[oldest]:
                    oldest += 1
        tick(count)
        return self.outcome

"""A fault-injecting HTTP proxy between simulated devices and a real `kawal serve`.

Each request through it, and each answer back, meets a fault with the probability given
(30% in the chaos test), drawn from one seeded random generator:
- on the way in: dropped (the connection closes, nothing reaches the server); duplicated
  (sent now, and a copy sent again a moment later, after other requests: a late resend);
  delayed; or reordered (held back until the next request has gone through, or a timeout);
- on the way out: dropped (the server stored the batch, the device never hears of it);
  duplicated (written twice); delayed; or reordered (held until the next answer is out).
A server that is down (SIGKILLed, not yet restarted) is answered 502, as a reverse proxy would.

The draws are seeded, so a run's mix of faults is repeatable; which request meets which
fault depends on thread timing too, which is what a real network does anyway.
"""

import random
import socket
import socketserver
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

FAULTS = ("drop", "duplicate", "delay", "reorder")
DELAY = (0.02, 0.3)  # seconds a delayed request or answer waits
HOLD = 0.5  # the longest a reordered request or answer waits for another to overtake it
BAD_GATEWAY = (
    b"HTTP/1.1 502 Bad Gateway\r\nContent-Type: text/plain\r\nContent-Length: 15\r\n"
    b"Connection: close\r\n\r\nserver is down\n"
)


def read_request(conn: socket.socket) -> bytes | None:
    """One whole HTTP request (headers and Content-Length body), or None at EOF."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        body += chunk
    lines = [line for line in head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
    return b"\r\n".join([*lines, b"Connection: close"]) + b"\r\n\r\n" + body


@dataclass
class Proxy:
    """Listens on 127.0.0.1:`port` (0: a free one) and forwards to 127.0.0.1:`upstream`."""

    upstream: int
    rate: float = 0.3
    seed: int = 0
    port: int = 0
    faults: Counter = field(default_factory=Counter)
    in_flight: int = 0  # requests sent to the server and not yet answered
    _rng: random.Random = field(init=False)
    _lock: threading.Condition = field(default_factory=threading.Condition)
    _passed: dict[str, int] = field(default_factory=lambda: {"in": 0, "out": 0})

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)
        proxy = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                proxy._handle(self.request)

        self._server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def while_in_flight(self, action: Callable[[], None], timeout: float) -> bool:
        """Wait until a request is with the server and do `action` before its answer can
        come back; False if no request came within `timeout`."""
        with self._lock:
            if not self._lock.wait_for(lambda: self.in_flight > 0, timeout):
                return False
            action()
            return True

    def _fault(self, way: str) -> str:
        with self._lock:
            fault = self._rng.choice(FAULTS) if self._rng.random() < self.rate else ""
            delay = self._rng.uniform(*DELAY)
            if fault:
                self.faults[f"{way} {fault}"] += 1
        if fault == "delay":
            time.sleep(delay)
        elif fault == "reorder":
            self._overtaken(way)
        return fault

    def _overtaken(self, way: str) -> None:
        """Hold this request (or answer) until another has passed it, or HOLD runs out."""
        with self._lock:
            seen = self._passed[way]
            self._lock.wait_for(lambda: self._passed[way] > seen, HOLD)

    def _passing(self, way: str) -> None:
        with self._lock:
            self._passed[way] += 1
            self._lock.notify_all()

    def _handle(self, conn: socket.socket) -> None:
        request = read_request(conn)
        if request is None:
            return
        fault = self._fault("in")
        if fault == "drop":
            return
        if fault == "duplicate":
            threading.Thread(target=self._resend_later, args=(request,), daemon=True).start()
        self._passing("in")
        answer = self._forward(request)
        fault = self._fault("out")
        if fault == "drop":
            return
        conn.sendall(answer * 2 if fault == "duplicate" else answer)
        self._passing("out")

    def _resend_later(self, request: bytes) -> None:
        with self._lock:
            delay = self._rng.uniform(*DELAY)
        time.sleep(delay)
        self._forward(request)

    def _forward(self, request: bytes) -> bytes:
        with self._lock:
            self.in_flight += 1
            self._lock.notify_all()
        try:
            with socket.create_connection(("127.0.0.1", self.upstream), timeout=30) as up:
                up.sendall(request)
                chunks = []
                while chunk := up.recv(65536):
                    chunks.append(chunk)
            answer = b"".join(chunks)
            return answer if answer.startswith(b"HTTP/") else BAD_GATEWAY
        except OSError:
            return BAD_GATEWAY
        finally:
            with self._lock:
                self.in_flight -= 1

"""`kawal demo --simulate`: serve the demo in the background and replay its night against it.

The server runs as a plain `kawal demo` in a child process, logging to server.log in the data
directory, so that the simulation's progress bar owns the terminal. When the night is over
the demo keeps serving until Ctrl-C.
"""

import socket
import subprocess
import sys
import time
from pathlib import Path

from django.conf import settings
from rich.console import Console

from kawal.demo.plan import approved_plan
from kawal.operations.models import Operation
from kawal.simulation.runner import Options, simulate

STARTUP_SECONDS = 60


def _wait_for(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"the demo server did not start; see {log}") from None
            time.sleep(0.3)


def replay(port: int, console: Console) -> None:
    """Approve the demo plan if need be, serve, replay the night, and keep serving."""
    with console.status("Making and approving the deployment plan…"):
        plan = approved_plan(Operation.objects.get())
    console.print(f"[green]Plan v{plan.version} approved[/]: the escorts every move follows")
    log = settings.DATA_DIR / "server.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [sys.executable, "-m", "kawal.cli", "demo", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait_for(port, server, log)
        url = f"http://127.0.0.1:{port}"
        console.print(f"Serving on [bold]{url}[/] (log: {log}); log in and watch the night")
        simulate(Options(url), console)
        console.print(f"The demo keeps serving on [bold]{url}[/]. Ctrl-C stops it.")
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.terminate()
        # gunicorn lets its workers finish for up to 30 seconds.
        server.wait(timeout=60)

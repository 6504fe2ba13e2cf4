"""Live Kawal servers on a PostgreSQL of the test's choosing, loaded with the small operation.

The world a test gets back is what a phone would hold: a command user's token, the regency's
code, and the whole journeys of the boxes in the officer's district (tests/custody/conftest.py).
"""

import base64
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.error import URLError
from urllib.request import Request, urlopen

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.e2e.conftest import ROOT, _free_port

LOAD = """
import django, json
django.setup()
from django.core.management import call_command
call_command("migrate", verbosity=0)
from kawal.accounts.models import ApiToken
from django.contrib.auth import get_user_model
from tests.factories import COMMANDER, HOME, small_operation
from tests.custody.conftest import home_route, journey
small = small_operation()
_, token = ApiToken.issue(get_user_model().objects.get(username=COMMANDER))
routes = [home_route(small, n) for n in range(len(small.boxes_in(HOME)))]
print(json.dumps({
    "token": token,
    "regency": routes[0].regency,
    "journeys": [journey(route) for route in routes],
}))
"""


def server_env(database_url: str, data_dir: Path) -> dict:
    """What `kawal serve` needs, on `database_url`: a real secret and a ledger key of its own."""
    key = base64.b64encode(Ed25519PrivateKey.generate().private_bytes_raw()).decode()
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "kawal.settings",
        "KAWAL_DATA_DIR": str(data_dir),
        "KAWAL_DATABASE_URL": database_url,
        "KAWAL_SECRET_KEY": "scale-test-secret-" + "x" * 40,
        "KAWAL_LEDGER_KEY": key,
    }


def load_small(env: dict) -> dict:
    """Migrate the database `env` names and load the small operation; return its world."""
    loaded = subprocess.run(
        [sys.executable, "-c", LOAD], env=env, cwd=ROOT, check=True, capture_output=True, text=True
    )
    return json.loads(loaded.stdout.strip().splitlines()[-1])


def start(env: dict, port: int, log: Path) -> subprocess.Popen:
    """Start `kawal serve` (gunicorn) on `port`, appending to `log`, and wait until it
    answers. It runs in a process group of its own, so that a test can kill it whole."""
    with log.open("a") as output:
        server = subprocess.Popen(
            [sys.executable, "-m", "kawal.cli", "serve", "--bind", f"127.0.0.1:{port}"],
            env=env, cwd=ROOT, stdout=output, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while True:
        try:
            urlopen(url + "/api/v1/openapi.json", timeout=2).close()
            return server
        except (URLError, ConnectionError):
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(log.read_text()) from None
            time.sleep(0.3)


def serve(env: dict, log: Path) -> Iterator[str]:
    """Run `kawal serve` on a free port until the generator closes; yield its URL."""
    log.write_text("")
    port = _free_port()
    server = start(env, port, log)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:  # close() raises GeneratorExit at the yield: stop the server all the same
        server.terminate()
        server.wait(timeout=20)


def call(url: str, token: str, body: list | None = None) -> dict:
    """GET (or, with a body, POST) `url` as the token's user; the JSON answer."""
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
    data = None if body is None else json.dumps(body).encode()
    with urlopen(Request(url, data=data, headers=headers), timeout=30) as answer:
        return json.load(answer)

"""A real Kawal server with the demo loaded, and real headless Chromium (Debian's) to drive it.

The server runs as `kawal demo` in a subprocess with its own data directory, on SQLite or,
in the PostgreSQL half of the suite, on its own PostgreSQL database.
"""

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env_for(data_dir: Path, suffix: str = "_e2e") -> dict:
    """A live server's environment: its own data directory and, on PostgreSQL, its own fresh
    database named after the test database with `suffix`."""
    env = {**os.environ, "KAWAL_DATA_DIR": str(data_dir)}
    url = os.environ.get("KAWAL_DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        parts = urlparse(url)
        database = parts.path.lstrip("/") + suffix
        with psycopg.connect(
            host=parts.hostname,
            port=parts.port or 5432,
            user=parts.username,
            dbname="postgres",
            autocommit=True,
        ) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{database}"')
        env["KAWAL_DATABASE_URL"] = urlunparse(parts._replace(path="/" + database))
    return env


@pytest.fixture(scope="session")
def server_env(tmp_path_factory) -> dict:
    """The live server's environment: `kawal` commands run with it reach the server's database."""
    return server_env_for(tmp_path_factory.mktemp("kawal-e2e"))


def kawal(env: dict, *args: str) -> subprocess.CompletedProcess:
    """Run a `kawal` command in a live server's environment, reaching its database."""
    return subprocess.run(
        [sys.executable, "-m", "kawal.cli", *args], env=env, check=True, cwd=ROOT,
        stdout=subprocess.DEVNULL,
    )  # fmt: skip


@pytest.fixture(scope="session")
def server(server_env):
    """Base URL of a live `kawal demo` server with the Banyuwangi operation loaded."""
    kawal(server_env, "demo", "--no-serve")
    yield from serve(server_env)


def serve(env: dict):
    """Serve the demo loaded in `env` with `kawal demo` on a free port; yield its base URL."""
    data_dir = Path(env["KAWAL_DATA_DIR"])
    port = _free_port()
    log = (data_dir / "server.log").open("w")
    process = subprocess.Popen(
        [sys.executable, "-m", "kawal.cli", "demo", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            break
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                log_text = (data_dir / "server.log").read_text()
                raise RuntimeError(f"kawal demo did not start: {log_text}") from None
            time.sleep(0.3)
    yield f"http://127.0.0.1:{port}"
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def login(browser, server):
    """Open a fresh browser page logged in as the given demo user."""
    contexts = []

    def _login(username: str, viewport=(1440, 900)):
        context = browser.new_context(viewport={"width": viewport[0], "height": viewport[1]})
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{server}/login/")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", "kawal-demo")
        page.click("section.login button[type=submit]")
        page.wait_for_load_state("networkidle")
        return page

    yield _login
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=False)
    return path

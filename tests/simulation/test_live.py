"""A short simulation against a live `kawal demo` server: one district, at a high speed, with
`kawal simulate` run as an operator would run it, reaching the server's own database."""

import json
import subprocess
import sys
import urllib.request

import pytest

from tests.e2e.conftest import ROOT, kawal, serve, server_env_for

pytestmark = pytest.mark.live
APPROVE = (
    "from kawal.demo.plan import approved_plan; from kawal.operations.models import Operation; "
    "approved_plan(Operation.objects.get())"
)
REALISTIC_IN = "35.10.09"  # Genteng and Glenmore: the districts with the fewest TPS
QUIET_IN = "35.10.07"


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    """A live demo server with an approved plan, and the environment that reaches its database."""
    env = server_env_for(tmp_path_factory.mktemp("kawal-simulate"), "_simulate")
    # Fresh on a new data directory, as `make demo` starts (`kawal demo --simulate`).
    kawal(env, "demo", "--fresh", "--no-serve")
    kawal(env, "shell", "-c", APPROVE)
    for url in serve(env):
        yield env, url


def simulate(live, region: str, faults: str, report) -> tuple[int, dict, str]:
    env, url = live
    done = subprocess.run(
        [sys.executable, "-m", "kawal.cli", "simulate", "--url", url, "--region", region,
         "--faults", faults, "--speed", "1000000", "--seed", "7", "--report", str(report)],
        env={**env, "COLUMNS": "160"}, cwd=ROOT, capture_output=True, text=True, timeout=600,
        check=False,
    )  # fmt: skip
    return done.returncode, json.loads(report.read_text()), done.stdout + done.stderr


@pytest.fixture(scope="module")
def realistic(live, tmp_path_factory):
    return simulate(live, REALISTIC_IN, "realistic", tmp_path_factory.mktemp("report") / "r.json")


def test_a_realistic_night_raises_each_injected_fault_s_alert_and_no_other(realistic):
    _, report, output = realistic
    kinds = {f["kind"] for f in report["faults"]}
    assert kinds == {"late leg", "no escort", "seal mismatch", "forged handover", "offline",
                     "duplicate", "out of order", "stranger escort", "no GPS"}, output  # fmt: skip
    settled = [f for f in report["faults"] if f["kind"] != "forged handover"]
    assert [f for f in settled if not f["detected"]] == [], output
    assert (report["false_alerts"], report["problems"]) == ([], []), output
    assert [a for a in report["answers"] if a.endswith("rejected")] == [], output
    assert report["answers"]["checkins accepted"] > 0  # from phones enrolled over the API
    assert "Injected faults and the alerts they raised" in output


def test_a_forged_handover_leaves_its_seal_mismatch_standing_with_a_correction_alert(realistic):
    returncode, report, output = realistic
    forged = [f for f in report["faults"] if f["kind"] == "forged handover"]
    assert forged and all(f["detected"] for f in forged), output
    assert (returncode, report["ok"]) == (0, True)
    assert "every injected fault detected, no false alert" in output


def test_every_custody_event_is_signed_by_the_phone_of_its_team_leader(live, realistic):
    env, url = live
    token = subprocess.run(
        [sys.executable, "-m", "kawal.cli", "token", "create", "komandan"], env=env, cwd=ROOT,
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    box = f"{REALISTIC_IN}.2001-001-BUP"
    request = urllib.request.Request(
        f"{url}/api/v1/custody/boxes/{box}", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request) as answer:
        events = json.load(answer)["events"]
    assert len(events) > 10
    assert {e["signatures"] for e in events} == {1}
    assert all(len(e["signed_by"]) == 1 for e in events)


def test_a_night_without_faults_ends_with_no_alert_at_all(live, tmp_path):
    returncode, report, output = simulate(live, QUIET_IN, "none", tmp_path / "none.json")
    assert (returncode, report["ok"], report["faults"], report["false_alerts"]) == (
        0, True, [], []
    ), output  # fmt: skip
    assert report["answers"]["custody/events accepted"] > 20 * 100
    assert "every injected fault detected, no false alert" in output

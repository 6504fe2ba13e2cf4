"""The checkpoints and their proofs over the API, checked offline by docs/verify_checkpoint.py
as an observer would, without trusting the server."""

import json
import subprocess
import sys
from pathlib import Path

from django.test import Client

from kawal.custody import checkpoints, ledger, signing
from kawal.custody.models import CustodyEvent
from tests.conftest import bearer, user
from tests.custody.conftest import journey

SCRIPT = Path(__file__).resolve().parents[2] / "docs" / "verify_checkpoint.py"


def _check(tmp_path: Path, held: str, *extra: tuple[str, object]) -> subprocess.CompletedProcess:
    """Run the standalone script on the checkpoint `held` and the given (option, body)."""
    (tmp_path / "held.txt").write_text(held)
    args = [sys.executable, str(SCRIPT), signing.public_key(), str(tmp_path / "held.txt")]
    for i, (option, body) in enumerate(extra):
        path = tmp_path / f"{i}.json"
        path.write_text(json.dumps(body))
        args += [option, str(path)]
        if option == "--consistency":
            (tmp_path / "newer.txt").write_text(body["newer"])
            args.append(str(tmp_path / "newer.txt"))
    return subprocess.run(args, check=False, capture_output=True, text=True, timeout=60)


def test_the_checkpoints_api_publishes_signed_heads_and_the_key(route):
    ledger.ingest(user("officer"), journey(route)[:3])
    taken = checkpoints.take("test")
    body = Client().get("/api/v1/custody/checkpoints", **bearer("observer")).json()
    assert body["public_key"] == signing.public_key()
    [latest] = body["checkpoints"]
    assert (latest["size"], latest["root"], latest["signed"]) == (
        taken.size,
        taken.root,
        taken.signed,
    )
    assert latest["digest"] == taken.digest


def test_the_checkpoints_api_needs_a_caller_with_a_role(route):
    assert Client().get("/api/v1/custody/checkpoints").status_code == 401
    user("officer").grants.all().delete()
    assert Client().get("/api/v1/custody/checkpoints", **bearer("officer")).status_code == 403


def test_an_inclusion_proof_checks_offline_with_the_standalone_script(route, tmp_path):
    ledger.ingest(user("officer"), journey(route)[:6])
    held = checkpoints.take("test")
    ledger.ingest(user("officer"), journey(route)[6:])
    checkpoints.take("test")
    event = CustodyEvent.objects.get(box__code=route.box, seq=4)
    response = Client().get(
        f"/api/v1/custody/proof?event={event.id}&checkpoint={held.size}", **bearer("observer")
    )
    assert response.status_code == 200, response.content
    proof = response.json()
    assert (proof["position"], proof["size"]) == (event.position, held.size)
    done = _check(tmp_path, held.signed, ("--inclusion", proof))
    assert done.returncode == 0, done.stdout
    assert f"event {event.id} is in the checkpoint" in done.stdout

    proof["canonical"] = proof["canonical"].replace('"seq":4', '"seq":5')
    done = _check(tmp_path, held.signed, ("--inclusion", proof))
    assert done.returncode == 1
    assert "FAIL: the event's content does not give its chain hash" in done.stdout


def test_a_consistency_proof_checks_offline_with_the_standalone_script(route, tmp_path):
    ledger.ingest(user("officer"), journey(route)[:5])
    held = checkpoints.take("test")
    ledger.ingest(user("officer"), journey(route)[5:])
    newer = checkpoints.take("test")
    url = f"/api/v1/custody/proof?from={held.size}&to={newer.size}"
    proof = Client().get(url, **bearer("observer")).json()
    done = _check(tmp_path, held.signed, ("--consistency", {**proof, "newer": newer.signed}))
    assert done.returncode == 0, done.stdout
    assert f"holds the one of {held.size} unchanged" in done.stdout

    proof["proof"][0] = "00" * 32
    done = _check(tmp_path, held.signed, ("--consistency", {**proof, "newer": newer.signed}))
    assert done.returncode == 1


def test_the_script_refuses_a_checkpoint_someone_edited(route, tmp_path):
    held = checkpoints.take("test")
    forged = held.signed.replace(f"\n{held.size}\n", f"\n{held.size - 1}\n")
    done = _check(tmp_path, forged)
    assert done.returncode == 1
    assert "signature does not match" in done.stdout


def test_proofs_are_scoped_and_refuse_what_they_cannot_answer(route):
    ledger.ingest(user("officer"), journey(route)[:2])
    held = checkpoints.take("test")
    event = CustodyEvent.objects.get(box__code=route.box, seq=1)
    elsewhere = bearer("polsek-timur")
    observer = bearer("observer")
    get = Client().get
    assert get(f"/api/v1/custody/proof?event={event.id}", **elsewhere).status_code == 404
    assert get(f"/api/v1/custody/proof?event={event.id}", **observer).status_code == 200
    no_such = f"/api/v1/custody/proof?event={event.id}&checkpoint={held.size + 1000}"
    assert get(no_such, **observer).status_code == 404
    assert get("/api/v1/custody/proof", **observer).status_code == 422
    assert get("/api/v1/custody/proof?event=not-a-uuid", **observer).status_code == 422
    assert get(f"/api/v1/custody/proof?from={held.size}&to=1", **observer).status_code == 422
    ledger.ingest(user("officer"), journey(route)[2:3])
    newest = CustodyEvent.objects.get(box__code=route.box, seq=3)
    response = get(f"/api/v1/custody/proof?event={newest.id}", **observer)
    assert response.status_code == 404
    assert "in no checkpoint yet" in response.json()["detail"]


def test_the_openapi_schema_declares_every_answer_of_the_proof_endpoints(db):
    schema = Client().get("/api/v1/openapi.json").json()["paths"]
    # 400 and 413 on every call: kawal/request_limits.py measures any body before the view.
    assert set(schema["/api/v1/custody/proof"]["get"]["responses"]) == {
        "200", "400", "401", "403", "404", "409", "413", "422",
    }  # fmt: skip
    assert set(schema["/api/v1/custody/checkpoints"]["get"]["responses"]) == {
        "200", "400", "401", "403", "413", "422",
    }  # fmt: skip

"""Helpers for the field app's browser tests: a duty in the live server's database, phones.

The demo ships no approved plan and its stages lie in 2024, so `field_duty` writes a small
approved plan into the live server's database (through `kawal shell`, with `server_env`):
two Polri officers of Banyuwangi town guard two TPS today and a third receives the boxes.
The demo's stage times are moved to run now, and put back afterwards.
"""

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from tests.e2e.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT

DISTRICT = "35.10.16"  # Banyuwangi town, the demo's polsek-banyuwangi
PHONE = {"width": 390, "height": 844}
MARK = "FIELD-JSON "


def in_server(env: dict, name: str, *args) -> dict:
    """Call this module's function `name` inside `kawal shell`, on the live server's database
    (`server_env`); the function prints MARK and its answer as JSON."""
    literal = json.dumps(json.dumps(args))  # a Python string literal of the JSON
    code = (
        f"import json; from tests.e2e.field_conftest import {name}; {name}(*json.loads({literal}))"
    )
    done = subprocess.run(
        [sys.executable, "-m", "kawal.cli", "shell", "-c", code],
        env=env, cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    line = next(x for x in done.stdout.splitlines() if x.startswith(MARK))
    return json.loads(line[len(MARK) :])


def plan_field_duty() -> None:
    """(In `kawal shell`.) Voting today, the return tomorrow, an approved plan with one TPS post."""
    from django.utils import timezone

    from kawal.custody.models import Box
    from kawal.operations.models import Operation, Stage
    from kawal.personnel.models import Member
    from kawal.planning.models import Assignment, Plan, Post, PostTPS
    from kawal.territory.models import TPS

    operation = Operation.objects.covering(DISTRICT).get()
    stages = {s.kind: [s.starts_at.isoformat(), s.ends_at.isoformat()]
              for s in Stage.objects.filter(operation=operation)}  # fmt: skip
    now = timezone.now()
    day = timezone.localtime(now).replace(hour=0, minute=0, second=0, microsecond=0)
    Stage.objects.filter(operation=operation).update(
        starts_at=day - timedelta(days=30), ends_at=day - timedelta(days=29)
    )
    Stage.objects.filter(operation=operation, kind="voting").update(
        starts_at=day, ends_at=day + timedelta(days=1)
    )
    Stage.objects.filter(operation=operation, kind="return").update(
        starts_at=day + timedelta(days=1), ends_at=day + timedelta(days=2)
    )
    version = (Plan.objects.filter(operation=operation).order_by("-version").values_list(
        "version", flat=True).first() or 0) + 1  # fmt: skip
    Plan.objects.filter(operation=operation, status=Plan.Status.APPROVED).update(
        status=Plan.Status.SUPERSEDED
    )
    plan = Plan.objects.create(
        operation=operation, version=version, status=Plan.Status.APPROVED, approved_at=now
    )
    tps = list(TPS.objects.filter(village__parent_id=DISTRICT).order_by("code")[:2])
    post = Post.objects.create(
        plan=plan, code=f"{DISTRICT}-P901", kind="tps", stage="voting", name="TPS 001–002",
        district_id=DISTRICT, lat=tps[0].lat, lng=tps[0].lng, polri=2,
    )  # fmt: skip
    PostTPS.objects.bulk_create(PostTPS(post=post, tps=t) for t in tps)
    officer, partner, receiver = Member.objects.filter(
        force="polri", region__code__startswith=DISTRICT
    ).order_by("nrp")[:3]
    for who in (officer, partner, receiver):
        Assignment.objects.create(
            plan=plan, post=post, member=who, stage="voting", force="polri", travel_km=1.0
        )
    boxes = list(Box.objects.filter(tps__in=tps).order_by("code").values_list("code", flat=True))
    print(MARK + json.dumps({
        "stages": stages, "plan": plan.pk, "officer": officer.nrp, "partner": partner.nrp,
        "receiver": receiver.nrp, "receiver_name": receiver.name, "officer_name": officer.name,
        "tps": [t.code for t in tps], "boxes": boxes, "post": [post.lat, post.lng],
    }))  # fmt: skip


def restore_stages(stages: dict) -> None:
    """(In `kawal shell`.) Put the demo's stage times back and retire the test's plan."""
    from django.utils.dateparse import parse_datetime

    from kawal.operations.models import Operation, Stage
    from kawal.planning.models import Plan

    operation = Operation.objects.covering(DISTRICT).get()
    for kind, (starts, ends) in stages.items():
        Stage.objects.filter(operation=operation, kind=kind).update(
            starts_at=parse_datetime(starts), ends_at=parse_datetime(ends)
        )
    Plan.objects.filter(operation=operation, status=Plan.Status.APPROVED).update(
        status=Plan.Status.SUPERSEDED
    )
    print(MARK + "{}")


def phone_options(**extra) -> dict:
    """A cheap Android phone in Banyuwangi: 390×844, touch, WIB, GPS allowed."""
    return {
        "viewport": PHONE,
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
        "locale": "id-ID",
        "timezone_id": "Asia/Jakarta",
        "permissions": ["geolocation"],
        **extra,
    }


def launch_phone(browser_type, user_data_dir: Path, **extra):
    """A phone whose storage lives in `user_data_dir`: closing and launching it again on the
    same folder is the app being killed and reopened (IndexedDB and the service worker stay)."""
    return browser_type.launch_persistent_context(
        str(user_data_dir), executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS,
        **phone_options(**extra),
    )  # fmt: skip


def stored(ids: dict[str, list[str]], boxes: list[str]) -> None:
    """(In `kawal shell`.) How many of the phone's events and check-ins the server holds, and
    how many events the boxes have in all."""
    from kawal.custody.models import CustodyEvent
    from kawal.field.models import CheckIn

    print(MARK + json.dumps({
        "event": CustodyEvent.objects.filter(id__in=ids["event"]).count(),
        "checkin": CheckIn.objects.filter(id__in=ids["checkin"]).count(),
        "box_events": CustodyEvent.objects.filter(box__code__in=boxes).count(),
    }))  # fmt: skip


def api_get(server: str, token: str, path: str):
    """GET an API path with a bearer token; the answer's JSON."""
    from urllib.request import Request, urlopen

    request = Request(f"{server}{path}", headers={"Authorization": f"Bearer {token}"})
    with urlopen(request, timeout=30) as response:
        return json.load(response)


def command_token(env: dict) -> str:
    """A new API token for the demo's command user (`kawal token create komandan`)."""
    done = subprocess.run(
        [sys.executable, "-m", "kawal.cli", "token", "create", "komandan"],
        env=env, cwd=ROOT, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return done.stdout.strip().splitlines()[-1]


def noisy_bmp(width: int = 2400, height: int = 1800) -> bytes:
    """A camera-sized photo that compresses badly: random pixels, as a 24-bit BMP (megabytes)."""
    import os
    import struct

    row = width * 3 + (-width * 3) % 4
    pixels = os.urandom(row * height)
    header = struct.pack("<2sIHHI", b"BM", 54 + len(pixels), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, width, height, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    return header + info + pixels


def photos_of(record_ids: list[str]) -> None:
    """(In `kawal shell`.) The photos the server holds for these records."""
    from kawal.field.models import Photo

    rows = Photo.objects.filter(record_id__in=record_ids).values("total", "received", "complete")
    print(MARK + json.dumps(list(rows)))


def corrections_of(event_id: str) -> None:
    """(In `kawal shell`.) The correction events stored for an event: their kind and note."""
    from kawal.custody.models import CustodyEvent

    rows = CustodyEvent.objects.filter(corrects_id=event_id).values("kind", "note")
    print(MARK + json.dumps(list(rows)))

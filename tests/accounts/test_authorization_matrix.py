"""The authorization matrix of docs/security.md, checked cell by cell.

The test reads the table from the doc, so the doc and the code cannot drift apart: each
cell is one case, the real request made as that column's user against that row's data in
scope (Barat) or out of scope (Timur), and the outcome asserted. A URL of the project with
no row fails too. The small operation (tests/factories.py) is made once for the module,
and every case rolls back its own writes.
"""

import json
import re
import uuid
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve
from django.utils import timezone

from kawal.accounts.models import ApiToken, Role, RoleGrant
from kawal.api import api
from kawal.custody.models import Alert, Box
from kawal.field import devices
from kawal.field.models import Photo
from kawal.incidents import handling
from kawal.incidents.models import Incident
from kawal.personnel.models import Member
from kawal.planning import exports, qr, service
from kawal.planning.models import Assignment
from kawal.territory.models import TPS, Region
from tests.factories import HOME, OTHER, REGENCY, small_operation

DOC = Path(__file__).resolve().parents[2] / "docs" / "security.md"
HANDLER = "pak-handler"  # acknowledges alerts and incidents: a name only personnel readers see
# Column user -> (username, grants). Every single role is held over Barat (HOME).
USERS = {
    "command": ("m-command", ((Role.COMMAND, HOME),)),
    "sector": ("m-sector", ((Role.SECTOR, HOME),)),
    "field": ("m-field", ((Role.FIELD, HOME),)),
    "observer": ("m-observer", ((Role.OBSERVER, HOME),)),
    "admin": ("m-admin", ((Role.ADMIN, HOME),)),
    "two roles": ("m-two", ((Role.SECTOR, HOME), (Role.OBSERVER, REGENCY))),
}
# Field staff read the NRP on a colleague's card they scan, and nothing else of personnel:
# their cells say so one by one.
NO_PERSONNEL_ANYWHERE = ("observer", "anonymous")
# Request bodies, by the row's call (form fields for pages, JSON for the API).
BODIES = {
    "POST /alerts/{alert}/resolve/": {"note": "sudah dicek"},
    "POST /alerts/{open_alert}/acknowledge/": {"note": "dilihat"},
    "POST /incidents/{incident}/close/": {"note": "ditangani"},
    "POST /i18n/setlang/": {"language": "en"},
    "POST /api/v1/alerts/{alert}/resolve": {"note": "sudah dicek"},
    "POST /api/v1/alerts/{open_alert}/acknowledge": {"note": "dilihat"},
    "POST /api/v1/incidents/{incident}/close": {"note": "ditangani"},
    "POST /api/v1/plan/scan": {"token": "{qr}"},
    "POST /api/v1/devices/enrol": {"code": "NOTACODE", "public_key": "AAAA"},
    "POST /api/v1/checkins": [],
    "POST /api/v1/custody/events": [
        {"id": "{new_id}", "box": "{box}", "kind": "note", "place": "{tps}",
         "occurred_at": "2024-11-27T10:00:00+07:00", "note": "matrix"}
    ],
    "POST /api/v1/incidents": [
        {"id": "{new_id}", "category": "disturbance", "severity": "low", "place": "{tps}",
         "occurred_at": "2024-11-27T10:00:00+07:00", "description": "matrix"}
    ],
}  # fmt: skip


# --- the table ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    call: str  # "GET /region/{district}/"
    column: str  # "sector in"
    expected: str  # "200 no personnel"

    @property
    def who(self) -> str:
        return self.column.removesuffix(" in").removesuffix(" out")

    @property
    def scope(self) -> str:
        return "out" if self.column.endswith(" out") else "in"


def _matrix() -> tuple[list[str], list[list[str]]]:
    text = DOC.read_text()
    section = text.split("## Authorization matrix", 1)[1].split("\n## ", 1)[0]
    rows = [
        [c.strip().strip("`") for c in line.strip().strip("|").split("|")]
        for line in section.splitlines()
        if line.startswith("|") and not re.match(r"^\|[\s|:-]+\|$", line)
    ]
    return rows[0], rows[1:]


def _cells() -> list[Cell]:
    header, rows = _matrix()
    return [
        Cell(row[0], column, value)
        for row in rows
        for column, value in zip(header[1:], row[1:], strict=True)
        if value != "–"
    ]


CELLS = _cells()


# --- the world ---------------------------------------------------------------------------


def _alert(box: Box, status: str, note: str, nrp: str) -> int:
    return Alert.objects.create(
        box=box, regency=REGENCY, rule=Alert.Rule.ESCORT_NOT_IN_PLAN,
        severity=Alert.Severity.WARNING, status=status, params={"nrp": nrp, "box": box.code},
        note=note, raised_at=timezone.now() - timedelta(hours=1),
    ).pk  # fmt: skip


def _district(code: str, sector_user, handler) -> dict[str, str]:
    """The rows of one district the matrix's requests name."""
    tps = TPS.objects.filter(code__startswith=code + ".").order_by("code").first()
    box = Box.objects.filter(tps=tps).order_by("code").first()
    member = Member.objects.filter(region_id=code, force="polri").order_by("nrp").first()
    when = f"{timezone.localtime():%Y-%m-%d %H:%M}"
    note = f"[{when} {HANDLER}, acknowledged] ok"
    alert = _alert(box, Alert.Status.ACKNOWLEDGED, note, member.nrp)
    incident = Incident.objects.create(
        category="disturbance", severity="high", occurred_at=timezone.now(), region=tps.village,
        tps=tps, description="keributan kecil", people_involved="Anggota Contoh saksi",
        reported_by=sector_user,
    )  # fmt: skip
    handling.do_move(incident.pk, "handle", "diamankan", acting_user=handler)
    issued = devices.issue_code(nrp=member.nrp, region_code=code, actor=sector_user)
    device, _ = devices.enrol(issued.code, _public_key(), "matrix phone")
    photo = Photo.objects.create(
        id=uuid.uuid4(), record_id=uuid.uuid4(), device=device, total=4, received=4,
        content=b"\xff\xd8\xff\xd9", complete=True, created_at=timezone.now(),
    )  # fmt: skip
    return {
        "district": code, "village": tps.village_id, "tps": tps.code, "box": box.code,
        "nrp": member.nrp,
        "alert": str(alert), "open_alert": str(_alert(box, Alert.Status.OPEN, "", member.nrp)),
        "incident": str(incident.pk), "device": str(device.pk), "photo": str(photo.pk),
    }  # fmt: skip


def _public_key() -> str:
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    der = key.public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


@dataclass
class World:
    data: dict[str, dict[str, str]]  # "in" / "out" -> placeholder values
    sessions: dict[str, str]  # the session cookie of each column's user
    tokens: dict[str, str]
    nrps: set[str]  # every member's
    other_nrps: set[str]  # Timur's members'


def _build() -> World:
    small = small_operation()
    # A second top region, as in any deployment beyond one regency (and beside the demo,
    # when a test of the same session loaded it): the country page needs a role over both.
    Region.objects.get_or_create(
        code="36", defaults={"name": "Banten", "level": Region.Level.PROVINSI, "lat": -6.4,
                             "lng": 106.1},
    )  # fmt: skip
    model = get_user_model()
    for who, (name, grants) in USERS.items():
        made = model.objects.create(
            username=name, is_staff=who == "admin", is_superuser=who == "admin"
        )
        RoleGrant.objects.bulk_create(RoleGrant(user=made, role=r, region_id=c) for r, c in grants)
    handler = model.objects.create(username=HANDLER)
    RoleGrant.objects.create(user=handler, role=Role.COMMAND, region_id=REGENCY)
    commander = model.objects.get(username="commander")
    service.approve(service.make_plan(small.operation, user=commander), user=commander)
    data = {
        "in": _district(HOME, model.objects.get(username="polsek-barat"), handler),
        "out": _district(OTHER, model.objects.get(username="polsek-timur"), handler),
    }
    for values in data.values():  # the plan's absences: "NRP: sick" on the plan page
        absent = Member.objects.get(nrp=values["nrp"])
        service.mark_absent(small.operation, absent, "sick", user=commander)
    draft = service.make_plan(small.operation, user=commander)
    current = service.current_plan(small.operation)
    for code, values in zip((HOME, OTHER), data.values(), strict=True):
        held = Assignment.objects.filter(plan=current, post__district_id=code).earliest("pk")
        values.update(draft=str(draft.pk), assignment=str(held.pk), qr=qr.assignment_token(held))
    sessions, tokens = {}, {}
    for who, (name, _) in USERS.items():
        client = Client()
        client.force_login(model.objects.get(username=name))
        sessions[who] = client.cookies[settings.SESSION_COOKIE_NAME].value
        tokens[who] = ApiToken.issue(model.objects.get(username=name))[1]
    ours = Member.objects.filter(region__code__startswith=REGENCY)
    nrps = set(ours.values_list("nrp", flat=True))
    other = set(Member.objects.filter(region__code__startswith=OTHER).values_list("nrp", flat=True))
    return World(data, sessions, tokens, nrps, other)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """The world, made once in a transaction rolled back after the module's last case."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build()
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def quick_pdfs(monkeypatch):
    """Who may have a PDF is the question here, not how it is drawn."""
    from kawal.custody import labels

    monkeypatch.setattr(labels, "sheet_pdf", lambda region: b"%PDF-1.7 labels")
    monkeypatch.setattr(exports, "pdf", lambda *args: b"%PDF-1.7 list")


# --- the cases ---------------------------------------------------------------------------


def _filled(template, values: dict[str, str]):
    if isinstance(template, str):
        return template.format_map(values)
    if isinstance(template, list):
        return [_filled(t, values) for t in template]
    return {k: _filled(v, values) for k, v in template.items()}


def _request(world: World, cell: Cell):
    values = {**world.data[cell.scope], "new_id": str(uuid.uuid4())}
    method, template = cell.call.split(" ", 1)
    path = template.format_map(values)
    body = _filled(BODIES.get(cell.call), values) if cell.call in BODIES else None
    if path.startswith("/api/"):
        client, headers = Client(), {}
        if cell.who != "anonymous":
            headers["HTTP_AUTHORIZATION"] = f"Bearer {world.tokens[cell.who]}"
        if body is None:
            return client.generic(method, path, **headers)
        return client.generic(
            method, path, json.dumps(body), content_type="application/json", **headers
        )
    client = Client()  # afresh: a logout or a language set earlier leaves no trace
    if cell.who != "anonymous":
        client.cookies[settings.SESSION_COOKIE_NAME] = world.sessions[cell.who]
    if method == "POST":
        return client.post(path, body or {})
    return client.get(path)


def _shown_text(response) -> str:
    """The body as text, without what the request itself echoes back (a search's query)."""
    text = response.content.decode(errors="replace")
    query = response.wsgi_request.GET.get("q")
    return text.replace(query, "") if query else text


def _personnel_in(text: str, world: World, nrps: set[str] | None = None) -> bool:
    found = set(re.findall(r"\d{8}", text)) & (nrps if nrps is not None else world.nrps)
    if nrps is not None:
        return bool(found)
    named = HANDLER in text or "Anggota Contoh" in text
    counts = re.search(r'"personnel": \{"\w+": \d', text)  # the status API's, by force
    return bool(found) or named or counts is not None


def _check(response, expected: str, world: World) -> None:
    status, _, detail = expected.partition(" ")
    if status == "login":
        assert response.status_code == 302 and "login" in response["Location"]
        return
    got = f"{response.status_code}: {response.content[:200]!r}"
    assert response.status_code == int(status), got
    text = _shown_text(response)
    if detail == "personnel":
        assert _personnel_in(text, world), "no personnel shown"
    elif detail == "no personnel":
        assert not _personnel_in(text, world), "personnel shown"
    elif detail in ("accepted", "rejected"):
        assert [r["status"] for r in response.json()["results"]] == [detail]
    else:
        assert not detail, f"unknown outcome {expected!r}"


@pytest.mark.parametrize("cell", CELLS, ids=[f"{c.call} | {c.column}" for c in CELLS])
def test_the_matrix_cell_holds(world, db, cell):
    response = _request(world, cell)
    _check(response, cell.expected, world)
    if response.status_code == 200:
        text = _shown_text(response)
        if cell.who in NO_PERSONNEL_ANYWHERE:
            assert not _personnel_in(text, world), "personnel reached an observer"
        else:  # every personnel role in the matrix is held over Barat alone
            assert not _personnel_in(text, world, world.other_nrps), "Timur's personnel shown"


# --- every page has a row ----------------------------------------------------------------


def _routes(resolver: URLResolver, prefix: str = "") -> list[str]:
    found = []
    for p in resolver.url_patterns:
        route = prefix + str(p.pattern)
        if isinstance(p, URLResolver):
            if route == "admin/":
                found.append(route)  # Django's own admin: one row, its index
            elif not route.startswith("api/"):
                found.extend(_routes(p, route))
        elif isinstance(p, URLPattern):
            found.append(route)
    return found


def _api_calls() -> set[str]:
    paths = api.get_openapi_schema()["paths"]
    calls = {f"{m.upper()} {path}" for path, ops in paths.items() for m in ops}
    return calls | {"GET /api/v1/", "GET /api/v1/openapi.json", "GET /api/v1/docs"}


# Values of the right shape, to resolve a row's path without the world.
SHAPES = {
    "district": HOME, "village": HOME + ".2001", "tps": HOME + ".2001-001",
    "box": HOME + ".2001-001-BUP", "nrp": "60020001", "alert": "1", "open_alert": "2",
    "draft": "3", "assignment": "4", "incident": str(uuid.UUID(int=1)),
    "device": str(uuid.UUID(int=2)), "photo": str(uuid.UUID(int=3)),
}  # fmt: skip


def _as_route(call: str) -> str:
    """`GET /region/{district}/` as the route its path takes: `region/<>/`."""
    path = call.split(" ", 1)[1].split("?")[0].format_map(SHAPES)
    return re.sub(r"<[^>]+>", "<>", resolve(path).route)


def test_every_page_and_api_call_of_the_project_has_a_row():
    _, rows = _matrix()
    calls = {row[0] for row in rows}
    pages = {re.sub(r"<[^>]+>", "<>", r) for r in _routes(get_resolver())}
    api_rows = {c for c in calls if c.split(" ", 1)[1].startswith("/api/")}
    page_rows = {_as_route(c) for c in calls - api_rows}
    assert pages - page_rows == set(), "pages without a row in docs/security.md"
    api_routes = {f"{c.split(' ', 1)[0]} /{_as_route(c)}" for c in api_rows}
    missing = {re.sub(r"\{\w+\}", "<>", c) for c in _api_calls()} - api_routes
    assert missing == set(), "API calls without a row in docs/security.md"


def test_every_row_fills_every_column():
    header, rows = _matrix()
    assert header[1:] == [
        f"{who} {where}" for who in USERS if who != "two roles" for where in ("in", "out")
    ] + ["anonymous", "two roles in", "two roles out"]
    for row in rows:
        assert len(row) == len(header), row[0]


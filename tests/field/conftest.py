"""Field fixtures: a member of Banyuwangi town, an enrolled phone with its own key pair, and a
small approved plan that puts the member on a TPS post and an escort team today."""

import base64
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from django.test import Client
from django.utils import timezone

from kawal.custody.models import Box
from kawal.field import devices, signatures
from kawal.field.models import Device
from kawal.operations.models import Stage
from kawal.personnel.models import Member
from kawal.planning.models import Assignment, Plan, Post, PostTPS
from kawal.territory.models import TPS
from tests.conftest import user
from tests.custody.conftest import Route, route_of

DISTRICT = "35.10.16"  # Banyuwangi town
SECTOR_USER = "polsek-banyuwangi"


def new_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def spki(key: ec.EllipticCurvePrivateKey) -> str:
    der = key.public_key().public_bytes(
        serialization.Encoding.DER, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    return base64.b64encode(der).decode()


def sign(key: ec.EllipticCurvePrivateKey, record: dict) -> str:
    """What WebCrypto gives: ECDSA P-256/SHA-256 as raw r||s, base64."""
    r, s = decode_dss_signature(key.sign(signatures.canonical(record), ec.ECDSA(hashes.SHA256())))
    return base64.b64encode(r.to_bytes(32, "big") + s.to_bytes(32, "big")).decode()


@dataclass
class Phone:
    device: Device
    token: str
    key: ec.EllipticCurvePrivateKey

    @property
    def id(self) -> str:
        return str(self.device.pk)

    def headers(self, **extra) -> dict:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.token}", **extra}

    def signed(self, record: dict) -> dict:
        """The record as the phone sends it: with its device and signature."""
        body = {**record, "device": self.id}
        return {**body, "signature": sign(self.key, body)}

    def get(self, path: str, **extra):
        return Client(enforce_csrf_checks=True).get(path, **self.headers(**extra))

    def post(self, path: str, body, **extra):
        import json

        return Client(enforce_csrf_checks=True).post(
            path, json.dumps(body), content_type="application/json", **self.headers(**extra)
        )


@pytest.fixture
def member(demo) -> Member:
    """A Polri officer based in Banyuwangi town."""
    return Member.objects.filter(force="polri", region__code__startswith=DISTRICT).order_by("nrp")[0]


@pytest.fixture
def enrol(member):
    """enrol(member=…, region=…): issue a code as the Polsek and enrol a fresh phone with it."""

    def _enrol(who: Member | None = None, region: str = DISTRICT) -> Phone:
        issued = devices.issue_code(
            nrp=(who or member).nrp, region_code=region, actor=user(SECTOR_USER)
        )
        key = new_key()
        device, token = devices.enrol(issued.code, spki(key), "test phone")
        return Phone(device, token, key)

    return _enrol


@pytest.fixture
def phone(enrol) -> Phone:
    return enrol()


@dataclass
class Duty:
    plan: Plan
    tps_post: Post
    escort_post: Post
    assignment: Assignment
    escort_assignment: Assignment
    partner: Member
    tps: TPS


@pytest.fixture
def duty(demo, member) -> Duty:
    """An approved plan: the member guards two TPS in the voting stage, which runs now, with a
    partner, and joins a village's escort team in the return stage, which follows. The stages
    are centred on now, so a test's check-ins minutes apart never cross into the next one."""
    now = timezone.now()
    Stage.objects.filter(operation=demo).update(starts_at=now - timedelta(days=30),
                                                ends_at=now - timedelta(days=29))
    Stage.objects.filter(operation=demo, kind="voting").update(
        starts_at=now - timedelta(hours=12), ends_at=now + timedelta(hours=12)
    )
    Stage.objects.filter(operation=demo, kind="return").update(
        starts_at=now + timedelta(hours=12), ends_at=now + timedelta(hours=36)
    )
    plan = Plan.objects.create(operation=demo, version=99, status=Plan.Status.APPROVED,
                               approved_at=now)
    tps = list(TPS.objects.filter(village__parent_id=DISTRICT).order_by("code")[:2])
    tps_post = Post.objects.create(
        plan=plan, code=f"{DISTRICT}-P001", kind="tps", stage="voting", name="TPS 001–002",
        district_id=DISTRICT, lat=tps[0].lat, lng=tps[0].lng, polri=2,
    )  # fmt: skip
    PostTPS.objects.bulk_create(PostTPS(post=tps_post, tps=t) for t in tps)
    village = tps[0].village_id
    escort_post = Post.objects.create(
        plan=plan, code=f"{village}-KAWAL-PPS-PPK", kind="escort", stage="return",
        name="Pengawalan PPS → PPK", district_id=DISTRICT, lat=tps[0].lat, lng=tps[0].lng,
        polri=1,
    )  # fmt: skip
    partner = (
        Member.objects.filter(force="polri", region__code__startswith=DISTRICT)
        .exclude(pk=member.pk)
        .order_by("nrp")[0]
    )
    made = {}
    for who, post in ((member, tps_post), (partner, tps_post), (member, escort_post)):
        made[(who.pk, post.pk)] = Assignment.objects.create(
            plan=plan, post=post, member=who, stage=post.stage, force="polri", travel_km=1.0
        )
    return Duty(
        plan, tps_post, escort_post, made[(member.pk, tps_post.pk)],
        made[(member.pk, escort_post.pk)], partner, tps[0],
    )  # fmt: skip


def checkin(lat: float, lng: float, at: datetime | None = None, **fields) -> dict:
    return {
        "id": str(uuid.uuid4()),
        "occurred_at": (at or timezone.now()).isoformat(),
        "lat": lat,
        "lng": lng,
        **fields,
    }


def boxes_of(tps: TPS) -> list[str]:
    return list(Box.objects.filter(tps=tps).order_by("code").values_list("code", flat=True))


@pytest.fixture
def route_in_duty(duty) -> Route:
    """The journey of the first box of the member's TPS post, escorted by the partner."""
    box = Box.objects.select_related("tps__village").get(code=boxes_of(duty.tps)[0])
    tni = Member.objects.filter(force="tni").values_list("nrp", flat=True).first()
    return route_of(box, duty.partner.nrp, tni)

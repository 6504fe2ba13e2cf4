"""A box's timeline: every event, who, where, escorts and seals, and its chain's mark.

The box page and `GET /api/v1/custody/boxes/{code}` both read `box_timeline()`. An observer
sees escorts only as counts per force, and signatures only as a count: never a name, an NRP,
or who recorded or signed the event.
"""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from kawal.accounts.models import ApiToken
from kawal.accounts.scope import scope_of
from kawal.custody import rules, verification
from kawal.custody.alerts import AlertView, listing
from kawal.custody.labels import label_of
from kawal.custody.models import Box, CustodyEvent
from kawal.field import photos
from kawal.field.models import Device
from kawal.personnel.models import Member
from kawal.territory.codes import regency_of
from kawal.territory.models import TPS, Region


@dataclass
class Escort:
    nrp: str
    name: str
    rank: str
    force: str


@dataclass
class Entry:
    id: str
    seq: int
    kind: str
    kind_label: str
    occurred_at: datetime
    received_at: datetime
    place: str
    place_name: str
    # Left out of the answer when None (exclude_none), so not required by its schema.
    lat: float | None = field(default=None, kw_only=True)
    lng: float | None = field(default=None, kw_only=True)
    from_party: str
    to_party: str
    seals: list[str]
    document: str
    note: str
    corrects: str | None = field(default=None, kw_only=True)
    corrected: bool
    escort_counts: dict[str, int]
    escorts: list[Escort] | None = None  # None for observers
    recorded_by: str | None = None  # None for observers
    # The API token it was sent with, and whose phone that is; None for observers, or when it
    # came through a logged-in page.
    sent_with: str | None = None
    # Device signatures (the recording phone's, then co-signers'): 0 means unsigned.
    signatures: int = 0
    signed_by: list[str] | None = None  # the signing members' names; None for observers
    photos: list[str] | None = None  # ids of the event's photos (kawal/field); None for observers


@dataclass
class Timeline:
    code: str
    kind: str
    contest: str
    state: str
    state_label: str
    tps: str | None = field(default=None, kw_only=True)
    label: str
    expected_by: datetime | None = field(default=None, kw_only=True)
    overdue: bool
    verified: bool
    problem: str
    events: list[Entry] = field(default_factory=list)
    alerts: list[AlertView] = field(default_factory=list)


def box_timeline(user: User, code: str, *, now: datetime | None = None) -> Timeline:
    """The box `code`, if the caller's scope covers it: its state, events and alerts.
    An unknown box is not found, whoever asks; a known one outside the scope is refused."""
    scope = scope_of(user)
    box = (
        Box.objects.select_related("tps__village__parent__parent__parent")
        .filter(regency=regency_of(code), code=code)
        .first()
    )
    if box is None:
        raise Http404(f"no box {code}")
    if not scope.covers(code):
        raise PermissionDenied(f"box {code} is outside your scope")
    now = now or timezone.now()
    events = list(
        CustodyEvent.objects.filter(regency=box.regency, box=box)
        .select_related("recorded_by")
        .order_by("occurred_at", "id")
    )
    nrps = {n for e in events for n in e.escorts}
    members = {
        m.nrp: m for m in Member.objects.filter(nrp__in=nrps).only("nrp", "name", "rank", "force")
    }
    corrected = {str(e.corrects_id) for e in events if e.corrects_id}
    personnel = scope.sees_personnel_in(box.code)
    signers = _signers(events) if personnel else {}
    senders = _senders(events) if personnel else {}
    pictures = photos.of_records(e.id for e in events) if personnel else {}
    report = verification.verify(box.code)
    problem = report.broken[0].problem if report.broken else ""
    timeline = Timeline(
        code=box.code,
        kind=box.kind,
        contest=box.contest,
        state=box.state,
        state_label=str(Box.State(box.state).label),
        tps=box.tps.code if box.tps else None,
        label=label_of(box).text if box.tps else box.code,
        expected_by=box.expected_by,
        overdue=rules.overdue(box.state, box.expected_by, now),
        verified=report.ok,
        problem=problem,
        alerts=listing(user, box=box.code, now=now),
    )
    names = place_names({e.place for e in events})
    timeline.events = [
        _entry(e, members, corrected, personnel, signers, pictures, names, senders) for e in events
    ]
    return timeline


def place_names(codes: Iterable[str]) -> dict[str, str]:
    """The names of region and TPS codes, as a reader knows them: "Genteng", "TPS 006
    Kaligondo". A code that names nothing stored is left out."""
    codes = set(codes)
    names = dict(Region.objects.filter(code__in=codes).values_list("code", "name"))
    for code, number, village in TPS.objects.filter(code__in=codes - names.keys()).values_list(
        "code", "number", "village__name"
    ):
        names[code] = f"TPS {number:03d} {village}"
    return names


def _signed_by(event: CustodyEvent) -> list[str]:
    """The devices that signed `event`: the recording phone, then its co-signers."""
    if not event.device_id:
        return []
    return [str(event.device_id), *(c["device"] for c in event.cosignatures)]


def _signers(events: list[CustodyEvent]) -> dict[str, str]:
    """The member behind each device that signed one of `events`, by device id."""
    ids = {d for e in events for d in _signed_by(e)}
    if not ids:
        return {}
    return {
        str(pk): name
        for pk, name in Device.objects.filter(pk__in=ids).values_list("id", "member__name")
    }


def _senders(events: list[CustodyEvent]) -> dict[int, str]:
    """How each API token that sent one of `events` is shown: its prefix, and the member
    whose phone holds it or else the user it was issued to."""
    ids = {e.sent_with_id for e in events if e.sent_with_id}
    shown = {}
    for token in ApiToken.objects.filter(pk__in=ids).select_related("user", "device__member"):
        phone = getattr(token, "device", None)
        owner = (
            _("phone of %(name)s") % {"name": phone.member.name} if phone else token.user.username
        )
        shown[token.pk] = f"{token.prefix}… {owner}"
    return shown


def _entry(
    e: CustodyEvent, members: dict[str, Member], corrected: set[str], personnel: bool,
    signers: dict[str, str], pictures: dict[str, list[str]], names: dict[str, str],
    senders: dict[int, str],
) -> Entry:  # fmt: skip
    """One event of the timeline; escorts and who recorded it only for who sees personnel."""
    forces = Counter(members[n].force for n in e.escorts if n in members)
    return Entry(
        id=str(e.id),
        seq=e.seq,
        kind=e.kind,
        kind_label=str(CustodyEvent.Kind(e.kind).label),
        occurred_at=e.occurred_at,
        received_at=e.received_at,
        place=e.place,
        place_name=names.get(e.place, ""),
        lat=e.lat,
        lng=e.lng,
        from_party=e.from_party,
        to_party=e.to_party,
        seals=e.seals,
        document=e.document,
        note=e.note,
        corrects=str(e.corrects_id) if e.corrects_id else None,
        corrected=str(e.id) in corrected,
        escort_counts=dict(forces),
        escorts=[
            Escort(n, members[n].name, members[n].rank, members[n].force)
            for n in e.escorts
            if n in members
        ]
        if personnel
        else None,
        recorded_by=e.recorded_by.username if personnel else None,
        sent_with=senders.get(e.sent_with_id) if personnel and e.sent_with_id else None,
        signatures=len(_signed_by(e)),
        signed_by=[signers.get(d, d) for d in _signed_by(e)] if personnel else None,
        photos=pictures.get(str(e.id), []) if personnel else None,
    )

"""One search box for the command center: box code, TPS code, village name, member NRP or name.

A scanned QR label pastes as text that holds the box code somewhere in it; the code is
picked out of whatever surrounds it. Members are searched only for roles that may see
personnel (command, sector, admin), never for observers.
"""

import re
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse

from kawal.accounts.scope import Scope
from kawal.custody.models import Box
from kawal.personnel.models import Member
from kawal.territory.models import TPS, Region

LIMIT = 25
BOX_IN_TEXT = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}-\d{3}-[A-Za-z0-9]{2,4}")
TPS_IN_TEXT = re.compile(r"\d{2}\.\d{2}\.\d{2}\.\d{4}-\d{3}")
REGION_IN_TEXT = re.compile(r"\d{2}\.\d{2}(?:\.\d{2}(?:\.\d{4})?)?")


@dataclass
class Found:
    exact: str | None = None  # the one page the query names, to go straight to
    regions: list[Region] = field(default_factory=list)
    members: list[Member] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not (self.regions or self.members)


def search(scope: Scope, text: str) -> Found:
    text = text.strip()
    if not text:
        return Found()
    box = BOX_IN_TEXT.search(text)
    if box:
        code = box.group(0).upper()
        if Box.objects.filter(scope.filter("code"), code=code).exists():
            return Found(exact=reverse("box", args=[code]))
        return Found()
    tps = TPS_IN_TEXT.search(text)
    if tps:
        if TPS.objects.filter(scope.filter("code"), code=tps.group(0)).exists():
            return Found(exact=reverse("tps", args=[tps.group(0)]))
        return Found()
    region = REGION_IN_TEXT.fullmatch(text)
    if region:
        if Region.objects.filter(scope.filter("code"), code=text).exists():
            return Found(exact=reverse("region", args=[text]))
        return Found()
    found = Found(
        regions=list(
            Region.objects.filter(scope.filter("code"), name__icontains=text)
            .exclude(level__in=(Region.Level.PROVINSI, Region.Level.KABUPATEN))
            .select_related("parent")
            .order_by("level", "name")[:LIMIT]
        )
    )
    if scope.personnel.regions:
        found.members = list(
            Member.objects.filter(scope.personnel_filter("region__code"))
            .filter(Q(nrp=text) | Q(name__icontains=text))
            .select_related("unit", "region")
            .order_by("name")[:LIMIT]
        )
    if len(found.regions) == 1 and not found.members:
        found.exact = reverse("region", args=[found.regions[0].code])
    return found

"""The alerts page: a region's stored alerts by status, newest first, and the alerts the
clock raises right now (overdue legs, unsealed boxes; custody/alerts.py computes them).

Scope is the caller's region role, applied in every query through the box code.
"""

from dataclasses import dataclass

from django.contrib.auth.models import User
from django.utils import timezone

from kawal.accounts.scope import require_region
from kawal.custody import alerts
from kawal.custody.models import Alert, Box
from kawal.territory.codes import within

SHOWN = 200
STATUSES = ("active", *Alert.Status.values, "all")  # active: open and acknowledged


@dataclass
class AlertList:
    region: str
    status: str
    stored: list[Alert]
    computed: list[alerts.AlertView]  # only while open ones are asked for
    handleable: set[int]  # the stored ones the caller may acknowledge and resolve


def alert_list(user: User, region: str, status: str) -> AlertList:
    scope = require_region(user, region)
    status = status if status in STATUSES else "active"
    stored = Alert.objects.filter(scope.filter("box__code"), within("box__code", region))
    if status == "active":
        stored = stored.exclude(status=Alert.Status.RESOLVED)
    elif status != "all":
        stored = stored.filter(status=status)
    computed = []
    if status in ("active", Alert.Status.OPEN, "all"):
        boxes = Box.objects.filter(scope.filter("code"), within("code", region))
        computed = alerts.computed(boxes, timezone.now())
    shown = stored.select_related("box", "event").order_by("-raised_at", "-id")
    found = alerts.readable(list(shown[:SHOWN]), scope.sees_personnel_in)
    handleable = {a.pk for a in found if scope.handles_alerts_in(a.box.code)}
    return AlertList(region, status, found, computed[:SHOWN], handleable)

"""One TPS as the command center sees it: its boxes, post, guards, events, alerts, incidents."""

from dataclasses import dataclass
from datetime import datetime

from django.http import Http404
from django.utils import timezone

from kawal.custody.alerts import readable
from kawal.custody.models import Alert, Box, CustodyEvent
from kawal.custody.rules import overdue
from kawal.incidents.models import Incident
from kawal.operations.models import Operation
from kawal.planning.models import Assignment, Post
from kawal.planning.service import current_plan
from kawal.territory.models import TPS

EVENTS_SHOWN = 40


@dataclass
class BoxLine:
    box: Box
    overdue: bool


@dataclass
class TpsDetail:
    tps: TPS
    boxes: list[BoxLine]
    alerts: list[Alert]
    events: list[CustodyEvent]
    posts: list[Post]
    guards: list[Assignment]  # empty for callers who may not see personnel
    incidents: list[Incident]


def tps_detail(code: str, *, with_personnel: bool, now: datetime | None = None) -> TpsDetail:
    now = now or timezone.now()
    tps = TPS.objects.select_related("village__parent").filter(code=code).first()
    if tps is None:
        raise Http404(f"no TPS {code}")
    boxes = [
        BoxLine(b, overdue(b.state, b.expected_by, now))
        for b in Box.objects.filter(tps=tps).order_by("code")
    ]
    alerts = readable(
        list(
            Alert.objects.filter(box__tps=tps)
            .exclude(status__in=(Alert.Status.RESOLVED, Alert.Status.LAPSED))
            .select_related("box", "event")
            .order_by("-raised_at", "-id")
        ),
        lambda _box: with_personnel,
    )
    events = list(
        CustodyEvent.objects.filter(box__tps=tps)
        .select_related("box")
        .order_by("-occurred_at", "-seq")[:EVENTS_SHOWN]
    )
    operation = Operation.objects.covering(tps.code).first()
    plan = current_plan(operation) if operation else None
    posts: list[Post] = []
    guards: list[Assignment] = []
    if plan is not None:
        posts = list(Post.objects.filter(plan=plan, post_tps__tps=tps).order_by("stage", "code"))
        if with_personnel and posts:
            guards = list(
                Assignment.objects.filter(post__in=posts)
                .select_related("member", "member__unit", "post")
                .order_by("post__stage", "force", "member__name")
            )
    incidents = list(Incident.objects.filter(tps=tps).for_feed())
    return TpsDetail(tps, boxes, alerts, events, posts, guards, incidents)

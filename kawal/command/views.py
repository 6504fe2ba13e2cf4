import hashlib
import re

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseNotModified
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kawal.accounts import audit
from kawal.accounts.requests import AuthenticatedHttpRequest
from kawal.accounts.scope import Caller, Scope, require_region, scope_of
from kawal.command import board as boards
from kawal.command import search as finder
from kawal.command.alert_list import STATUSES, alert_list
from kawal.command.sites import tps_detail
from kawal.command.status import NATIONAL, national_region
from kawal.custody import alerts
from kawal.custody.models import Alert
from kawal.replica import reads_from_replica
from kawal.territory.models import TPS, Region


def _home_code(request: AuthenticatedHttpRequest) -> str:
    home_region = scope_of(request.user).home
    if home_region is None:
        raise PermissionDenied("your account holds no role over any region")
    return home_region


def _breadcrumbs(scope: Scope, area: Region) -> list[Region]:
    crumbs: list[Region] = []
    parent = area.parent
    while parent is not None and scope.covers(parent.code):
        crumbs.insert(0, parent)
        parent = parent.parent
    return crumbs


# Django masks the CSRF token afresh on every render; any masking of it stays valid, so the
# ETag ignores it and an unchanged part still answers 304.
CSRF_INPUT = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def _fresh(request: AuthenticatedHttpRequest, body: str) -> HttpResponse:
    """A live part: 304 when the browser already holds exactly this content."""
    content = CSRF_INPUT.sub("", body)
    etag = '"' + hashlib.sha256(content.encode()).hexdigest()[:32] + '"'
    response: HttpResponse
    if request.headers.get("If-None-Match") == etag:
        response = HttpResponseNotModified()
    else:
        response = HttpResponse(body)
    response["ETag"] = etag
    response["Cache-Control"] = "no-cache, private"
    return response


@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return redirect("region", code=_home_code(request))


def _national_scope(user: Caller) -> Scope:
    """Only a user holding every province sees the country as one page."""
    scope = scope_of(user)
    provinces = set(Region.objects.filter(parent__isnull=True).values_list("code", flat=True))
    if not provinces or not provinces <= set(scope.regions):
        raise PermissionDenied("the national overview needs a role over every province")
    return scope


def _only_top_region() -> str | None:
    """The one top region of a deployment that holds a single one (a regency, say): its
    country page would be one row, so it is not offered."""
    tops = list(Region.objects.filter(parent__isnull=True).values_list("code", flat=True)[:2])
    return tops[0] if len(tops) == 1 else None


def _board(request: AuthenticatedHttpRequest, code: str) -> tuple[Scope, boards.Board]:
    if code == NATIONAL:
        scope, area = _national_scope(request.user), national_region()
    else:
        # An unknown region is not found, whoever asks; a known one outside the scope is refused.
        area = get_object_or_404(Region.objects.select_related("parent"), code=code)
        scope = require_region(request.user, code)
    board = boards.region_board(
        area,
        with_personnel=scope.sees_personnel_in(area.code),
        sort=request.GET.get("sort", "code"),
        only=request.GET.get("only", "all"),
    )
    return scope, board


def _board_context(scope: Scope, board: boards.Board) -> dict[str, object]:
    return {
        "b": board,
        "area": board.area,
        "status": board.status,
        "sees_personnel": scope.sees_personnel_in(board.area.code),
        "handles_alerts": scope.handles_alerts_in(board.area.code),
        "live_url": reverse("region_live", args=[board.area.code])
        if board.area.code != NATIONAL
        else reverse("national_live"),
    }


@login_required
@reads_from_replica
def region(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    scope, board = _board(request, code)
    context = _board_context(scope, board)
    context["breadcrumbs"] = _breadcrumbs(scope, board.area)
    return render(request, "command/region.html", context)


@login_required
@reads_from_replica
def national(request: AuthenticatedHttpRequest) -> HttpResponse:
    only = _only_top_region()
    return redirect("region", code=only) if only else region(request, NATIONAL)


@login_required
@reads_from_replica
def national_live(request: AuthenticatedHttpRequest) -> HttpResponse:
    only = _only_top_region()
    return redirect("region_live", code=only) if only else region_live(request, NATIONAL)


@login_required
@reads_from_replica
def region_live(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    scope, board = _board(request, code)
    body = render_to_string(
        "command/_live.html", _board_context(scope, board), request=request
    )
    return _fresh(request, body)


def _tps_scope(request: AuthenticatedHttpRequest, code: str) -> Scope:
    """The caller's scope over a TPS that exists (404 before 403, as for regions)."""
    get_object_or_404(TPS.objects.only("id"), code=code)
    return require_region(request.user, code)


@login_required
def tps(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    scope = _tps_scope(request, code)
    detail = tps_detail(code, with_personnel=scope.sees_personnel_in(code))
    if scope.sees_personnel_in(code):  # its guards by name and NRP; the live part re-reads unrecorded
        audit.record("personnel.read", detail.tps, actor=request.user, page="tps")
    context = {
        "d": detail,
        "breadcrumbs": _breadcrumbs(scope, detail.tps.village) + [detail.tps.village],
        "sees_personnel": scope.sees_personnel_in(code),
        "handles_alerts": scope.handles_alerts_in(code),
        "live_url": reverse("tps_live", args=[code]),
    }
    return render(request, "command/tps.html", context)


@login_required
def tps_live(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    scope = _tps_scope(request, code)
    detail = tps_detail(code, with_personnel=scope.sees_personnel_in(code))
    context = {"d": detail, "sees_personnel": scope.sees_personnel_in(code),
               "handles_alerts": scope.handles_alerts_in(code)}
    return _fresh(request, render_to_string("command/_tps_live.html", context, request=request))


@login_required
def search(request: AuthenticatedHttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    query = request.GET.get("q", "")
    found = finder.search(scope, query)
    if found.exact is not None:
        return redirect(found.exact)
    return render(request, "command/search.html", {"q": query, "found": found})


@login_required
def wall_home(request: AuthenticatedHttpRequest) -> HttpResponse:
    return redirect("wall", code=_home_code(request))


def _wall(request: AuthenticatedHttpRequest, code: str) -> dict[str, object]:
    area = get_object_or_404(Region, code=code)
    scope = require_region(request.user, code)
    wall = boards.wall_board(
        area, with_personnel=scope.sees_personnel_in(code), after=request.GET.get("after")
    )
    return {"w": wall, "b": wall.board, "area": area,
            "live_url": reverse("wall_live", args=[code])}


@login_required
@reads_from_replica
def wall(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    return render(request, "command/wall.html", _wall(request, code))


@login_required
@reads_from_replica
def wall_live(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    return render(request, "command/_wall_live.html", _wall(request, code))


@login_required
def alerts_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    """A region's alerts by status, with the actions for roles that may take them."""
    code = request.GET.get("region") or _home_code(request)
    area = get_object_or_404(Region, code=code)
    listed = alert_list(request.user, code, request.GET.get("status", "active"))
    labels = {"active": _("open and acknowledged"), "all": _("all"), **dict(Alert.Status.choices)}
    return render(request, "command/alerts.html", {
        "area": area,
        "listed": listed,
        "statuses": [(s, labels[s]) for s in STATUSES],
        "handles_alerts": scope_of(request.user).handles_alerts_in(code),
        # Where the region is not all theirs to handle, the alerts in the part that is.
        "handleable": listed.handleable,
    })  # fmt: skip


@login_required
@require_POST
def alert_action(request: AuthenticatedHttpRequest, alert_id: int, action: str) -> HttpResponse:
    """Acknowledge or resolve an alert in place; answers the alert's new row."""
    to = {"acknowledge": Alert.Status.ACKNOWLEDGED, "resolve": Alert.Status.RESOLVED}.get(action)
    if to is None:
        raise PermissionDenied(f"unknown action {action}")
    error = ""
    try:
        alert = alerts.handle(request.user, alert_id, to, request.POST.get("note", ""))
    except ValidationError as exc:
        error = exc.messages[0]
        alert = get_object_or_404(
            Alert.objects.filter(scope_of(request.user).filter("box__code")), pk=alert_id
        )
    return render(
        request,
        "command/_alert.html",
        {"a": alert, "handles_alerts": True, "error": error},
        status=422 if error else 200,
    )

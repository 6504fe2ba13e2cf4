"""The field app's shell under /field/: the page, its web manifest and its service worker.

The shell holds no data (the phone fetches its duty with its device token), so it is public
and the service worker may cache it; the worker lives at /field/sw.js so its scope is /field/.
The worker's cache version is a digest of every file it caches, so any change re-caches all.
"""

import hashlib
import json
from functools import cache
from pathlib import Path

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET

from kawal.custody.models import Box, CustodyEvent

ASSET_DIR = Path(__file__).resolve().parent / "static" / "field"
TEMPLATE_DIR = Path(__file__).resolve().parent / "templates" / "field"
WORKER = "sw.js"
CACHED = (".js", ".mjs", ".css", ".png", ".svg")


@cache
def asset_names() -> tuple[str, ...]:
    """Every file the phone caches, relative to static/field/ (the worker itself aside)."""
    return tuple(
        sorted(
            p.relative_to(ASSET_DIR).as_posix()
            for p in ASSET_DIR.rglob("*")
            if p.is_file() and p.name != WORKER and p.suffix in CACHED
        )
    )


@cache
def version() -> str:
    digest = hashlib.sha256()
    files = [ASSET_DIR / n for n in [*asset_names(), WORKER]] + sorted(
        TEMPLATE_DIR.glob("app*.html")
    )
    for path in files:
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def _severities() -> list[tuple[str, str]]:
    """The incident severities of the field contract (kawal/incidents owns the model)."""
    return [
        ("low", _("low")),
        ("medium", _("medium")),
        ("high", _("high")),
        ("critical", _("critical")),
    ]


@require_GET
@gzip_page
def app(request: HttpRequest) -> HttpResponse:
    """The phone app's one page; its views are sections the modules show by the URL's #."""
    context = {
        "modules": [static(f"field/{n}") for n in asset_names() if n.endswith((".js", ".mjs"))],
        "kinds": [(v, label) for v, label in CustodyEvent.Kind.choices if v != "correction"],
        "kinds_all": CustodyEvent.Kind.choices,
        "states": Box.State.choices,
        "severities": _severities(),
        "language_cookie": settings.LANGUAGE_COOKIE_NAME,
    }
    return render(request, "field/app.html", context)


@require_GET
@gzip_page
def manifest(request: HttpRequest) -> JsonResponse:
    """The web app manifest: installable, standalone, scoped to /field/."""
    scope = reverse("field_app")
    icons = [
        {"src": static(f"field/icon-{size}.png"), "sizes": f"{size}x{size}",
         "type": "image/png", "purpose": "any maskable"}
        for size in (192, 512)
    ]  # fmt: skip
    body = {
        "name": _("Kawal field"),
        "short_name": "Kawal",
        "description": _("Check in, scan boxes and record custody and incidents, offline."),
        "lang": request.LANGUAGE_CODE,
        "start_url": scope,
        "scope": scope,
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#f4f6f3",
        "theme_color": "#14532d",
        "icons": icons,
    }
    return JsonResponse(body, content_type="application/manifest+json")


@require_GET
@gzip_page
def service_worker(request: HttpRequest) -> HttpResponse:
    """sw.js with the cache version and the list of what to cache defined above it."""
    assets = [static(f"field/{n}") for n in asset_names()] + [reverse("field_manifest")]
    head = (
        f"const VERSION = {json.dumps(version())};\n"
        f"const SHELL = {json.dumps(reverse('field_app'))};\n"
        f"const ASSETS = {json.dumps(assets)};\n"
    )
    response = HttpResponse(
        head + (ASSET_DIR / WORKER).read_text(), content_type="text/javascript; charset=utf-8"
    )
    # The browser checks for a new worker on every visit; never let a proxy keep an old one.
    response["Cache-Control"] = "no-cache"
    return response

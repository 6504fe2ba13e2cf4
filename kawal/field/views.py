"""The device page: issue a device to a member (a QR code to scan), list and revoke devices."""

import uuid

import segno
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from kawal.field import devices, photos
from kawal.field.forms import IssueForm


def enrol_url(request: HttpRequest, code: str) -> str:
    """What the phone's camera opens: the field app, with the code in the fragment so it
    never reaches a server log."""
    return request.build_absolute_uri("/field/") + f"#enrol={code}"


@login_required
@require_http_methods(["GET", "POST"])
def devices_page(request: HttpRequest) -> HttpResponse:
    """Devices in the manager's area, and issuing a new one (the QR code is shown once)."""
    scope = devices.manager_scope(request.user)
    form = IssueForm(request.POST or None, scope=scope)
    issued = None
    if request.method == "POST" and form.is_valid():
        try:
            issued = devices.issue_code(
                nrp=form.cleaned_data["nrp"].strip(),
                region_code=form.cleaned_data["region"],
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
    url = enrol_url(request, issued.code) if issued else ""
    return render(
        request,
        "field/devices.html",
        {
            "form": form,
            "issued": issued,
            "enrol_url": url,
            "qr": segno.make(url, error="m").svg_inline(scale=5, border=2) if issued else "",
            "devices": devices.in_scope(request.user),
        },
    )


@login_required
@require_POST
def revoke(request: HttpRequest, device_id: uuid.UUID) -> HttpResponse:
    device = devices.revoke(device_id, actor=request.user)
    messages.success(
        request, _("Device of %(name)s revoked: it can no longer sync.") % {"name": device.member.name}
    )
    return redirect("field_devices")


@login_required
def photo(request: HttpRequest, photo_id: uuid.UUID) -> HttpResponse:
    """A photo from the field (a berita acara, an incident), for staff over its area."""
    found = photos.viewable(request.user, photo_id)
    response = HttpResponse(bytes(found.content), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=86400"
    return response

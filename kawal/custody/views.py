from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from kawal.accounts.scope import require_region, scope_of
from kawal.custody import labels
from kawal.custody.timeline import box_timeline
from kawal.territory.models import Region


@login_required
def box(request: HttpRequest, code: str) -> HttpResponse:
    """A box's timeline: every event, who, where, escorts and seals, and the chain's mark."""
    timeline = box_timeline(request.user, code)
    return render(
        request,
        "custody/box.html",
        {"box": timeline, "sees_personnel": scope_of(request.user).sees_personnel},
    )


@login_required
def label_sheet(request: HttpRequest, code: str) -> HttpResponse:
    """Printable QR labels (PDF) for the boxes of one village or district."""
    region = get_object_or_404(Region, code=code)
    require_region(request.user, code)
    if region.level not in (Region.Level.DESA, Region.Level.KECAMATAN):
        raise Http404("labels are printed per village or district")
    response = HttpResponse(labels.sheet_pdf(region), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="label-kotak-{code}.pdf"'
    return response

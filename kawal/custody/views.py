from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render

from kawal.accounts.scope import require_region, scope_of
from kawal.custody import labels
from kawal.custody.models import Alert
from kawal.custody.timeline import box_timeline, place_names
from kawal.territory.models import Region


@login_required
def box(request: HttpRequest, code: str) -> HttpResponse:
    """A box's timeline: every event, who, where, escorts and seals, and the chain's mark;
    the way back to its TPS, and its stored alerts with the actions the reader may take."""
    timeline = box_timeline(request.user, code)
    scope = scope_of(request.user)
    parents = [timeline.tps[:n] for n in (5, 8, 13)] + [timeline.tps] if timeline.tps else []
    names = place_names(parents)
    return render(
        request,
        "custody/box.html",
        {
            "box": timeline,
            "sees_personnel": scope.sees_personnel,
            "handles_alerts": scope.handles_alerts,
            "crumbs": [(c, names[c]) for c in parents if c in names and scope.covers(c)],
            "stored_alerts": Alert.objects.filter(box__code=timeline.code)
            .select_related("box", "event", "handled_by")
            .order_by("-raised_at", "-id"),
            "computed_alerts": [a for a in timeline.alerts if a.id is None],
        },
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

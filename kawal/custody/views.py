from functools import partial

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from kawal import paper, paper_pages
from kawal.accounts import audit
from kawal.accounts.requests import AuthenticatedHttpRequest
from kawal.accounts.scope import LABEL_ROLES, require_roles, scope_for_roles, scope_of
from kawal.accounts.throttle import limited
from kawal.custody import alerts, labels
from kawal.custody.models import Alert, of_boxes, with_events
from kawal.custody.timeline import box_timeline, place_names
from kawal.territory.codes import regencies_of
from kawal.territory.models import Region


@login_required
def box(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """A box's timeline: every event, who, where, escorts and seals, and the chain's mark;
    the way back to its TPS, and its stored alerts with the actions the reader may take."""
    timeline = box_timeline(request.user, code)
    scope = scope_of(request.user)
    if scope.sees_personnel_in(timeline.code):  # its escorts and signers, by name and NRP
        audit.record("personnel.read", region=timeline.code, actor=request.user, page="box")
    parents = [timeline.tps[:n] for n in (5, 8, 13)] + [timeline.tps] if timeline.tps else []
    names = place_names(parents)
    return render(
        request,
        "custody/box.html",
        {
            "box": timeline,
            "sees_personnel": scope.sees_personnel_in(timeline.code),
            "handles_alerts": scope.handles_alerts_in(timeline.code),
            "prints_labels": _prints_labels(request, timeline.tps),
            "crumbs": [(c, names[c]) for c in parents if c in names and scope.covers(c)],
            "stored_alerts": alerts.readable(
                list(
                    Alert.objects.filter(of_boxes([timeline.code]))
                    .select_related("box")
                    .prefetch_related(with_events(regencies_of([timeline.code])))
                    .order_by("-raised_at", "-id")
                ),
                scope.sees_personnel_in,
            ),
            "computed_alerts": [a for a in timeline.alerts if a.id is None],
        },
    )


def _prints_labels(request: AuthenticatedHttpRequest, tps: str | None) -> bool:
    """Whether the box page offers its village's labels: to who may print them there."""
    return tps is not None and scope_for_roles(request.user, LABEL_ROLES).covers(tps[:13])


def _require_labels(request: AuthenticatedHttpRequest, code: str) -> None:
    require_roles(
        request.user, LABEL_ROLES,
        f"only command and sector users print box labels, for their own region ({code})",
        region_code=code,
    )  # fmt: skip


@login_required
@limited("labels")
def label_sheet(request: AuthenticatedHttpRequest, code: str) -> HttpResponse | FileResponse:
    """Printable QR labels (PDF): a village's or a district's made at once; a regency's, or
    one made in the background, served when ready (else its page, to make it)."""
    region = get_object_or_404(Region, code=code)
    _require_labels(request, code)
    filename = f"{labels.document_name(region)}.pdf"
    made = paper_pages.download(labels.document_name(region), filename)
    if made is None and region.level == Region.Level.KABUPATEN:
        return redirect("box_labels_page", code=code)
    if made is None and region.level not in (Region.Level.DESA, Region.Level.KECAMATAN):
        raise Http404("labels are printed per village, district or regency")
    audit.record("export.labels", region, actor=request.user, file=filename)
    if made is not None:
        return made
    response = HttpResponse(labels.sheet_pdf(region), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def _label_region(request: AuthenticatedHttpRequest, code: str) -> Region:
    region = get_object_or_404(
        Region, code=code, level__in=(Region.Level.KECAMATAN, Region.Level.KABUPATEN)
    )
    _require_labels(request, code)
    return region


def _label_words(region: Region) -> dict[str, object]:
    return {
        "area": region,
        "title": _("Box labels"),
        "about": _("One QR label for each ballot box, 18 to an A4 page, made district by "
                   "district in the background."),
        "back_url": reverse("region", args=[region.code]),
        "page_url": reverse("box_labels_page", args=[region.code]),
        "progress_url": reverse("box_labels_progress", args=[region.code]),
        "download_url": reverse("box_labels", args=[region.code]),
    }


@login_required
@limited("labels", methods=("POST",))
def label_page(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    """A district's or regency's labels: made in the background, one part per child region."""
    region = _label_region(request, code)

    def parts() -> list[paper.Part]:
        return [partial(labels.sheet_document, child) for child in region.children.order_by("code")]

    return paper_pages.document_page(
        request, labels.document_name(region), parts, _label_words(region)
    )


@login_required
def label_progress(request: AuthenticatedHttpRequest, code: str) -> HttpResponse:
    region = _label_region(request, code)
    return paper_pages.progress_part(request, labels.document_name(region), _label_words(region))

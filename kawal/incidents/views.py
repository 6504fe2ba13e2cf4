"""Incident pages: the list with its filters, one incident with its workflow, and the moves."""

import uuid

from csp.decorators import csp_update
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kawal.accounts.scope import Scope, require_roles, scope_of
from kawal.command import progress
from kawal.incidents import handling, printing, reads, reporting, sitrep, workflow
from kawal.incidents.models import Incident
from kawal.operations.models import Operation, Stage
from kawal.territory.models import Region


def _choices(pairs) -> list[tuple[str, str]]:
    return [("", _("all")), *pairs]


def _choice_field(form: forms.Form, name: str) -> forms.ChoiceField:
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    return field


class FilterForm(forms.Form):
    district = forms.ChoiceField(label=_("District"), required=False)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=_choices(Incident.Category.choices)
    )
    severity = forms.ChoiceField(
        label=_("Severity"), required=False, choices=_choices(Incident.Severity.choices)
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=_choices(Incident.Status.choices)
    )
    stage = forms.ChoiceField(label=_("Stage"), required=False)

    def __init__(self, data, *, scope: Scope, operation: Operation | None):
        super().__init__(data)
        districts = Region.objects.filter(scope.filter("code"), level=Region.Level.KECAMATAN)
        _choice_field(self, "district").choices = _choices(
            districts.order_by("code").values_list("code", "name")
        )
        stages = operation.stages.order_by("order") if operation else Stage.objects.none()
        _choice_field(self, "stage").choices = _choices((s.kind, s.get_kind_display()) for s in stages)


@login_required
def incident_list(request: HttpRequest) -> HttpResponse:
    scope = scope_of(request.user)
    if scope.home is None:
        raise PermissionDenied("your account holds no role over any region")
    operation = Operation.objects.covering(scope.home).first()
    form = FilterForm(request.GET, scope=scope, operation=operation)
    filters = reads.Filters(**form.cleaned_data) if form.is_valid() else reads.Filters()
    return render(request, "incidents/list.html", {
        "form": form,
        "incidents": reads.filtered(scope, filters, operation),
        "limit": reads.PAGE_LIMIT,
    })  # fmt: skip


@login_required
def incident(request: HttpRequest, incident_id: uuid.UUID) -> HttpResponse:
    found, steps, scope = reads.one(request.user, incident_id)
    return render(request, "incidents/detail.html", {
        "i": found,
        "steps": steps,
        "sees_personnel": scope.sees_personnel_in(found.region_id),
        "handles": handling.handles(request.user, found.region_id),
    })  # fmt: skip


@login_required
@require_POST
def incident_action(request: HttpRequest, incident_id: uuid.UUID, action: str) -> HttpResponse:
    """Take a step: answers the feed's row in place (htmx), else back to the incident."""
    error = ""
    try:
        handling.do_move(
            incident_id, action, request.POST.get("note", ""), acting_user=request.user
        )
    except (workflow.Refused, workflow.Invalid) as exc:
        error = str(exc)
    found, steps, scope = reads.one(request.user, incident_id)
    if not request.headers.get("HX-Request"):
        if error:
            return render(request, "incidents/detail.html", {
                "i": found, "steps": steps, "sees_personnel": scope.sees_personnel_in(found.region_id),
                "handles": True, "error": error,
            }, status=422)  # fmt: skip
        return redirect("incident", incident_id=incident_id)
    return render(
        request,
        "incidents/_item.html",
        {"i": found, "handles": True, "error": error},
        status=422 if error else 200,
    )


def _maker(request: HttpRequest, code: str) -> Region:
    require_roles(request.user, reporting.MAKER_ROLES, f"you make no reports for {code}", code)
    return get_object_or_404(Region, code=code)


class SitrepForm(forms.Form):
    date = forms.DateField(label=_("Day"), required=False, widget=forms.DateInput({"type": "date"}))
    stage = forms.ChoiceField(label=_("or stage"), required=False)
    format = forms.ChoiceField(choices=[(f, f) for f in reporting.FORMATS], initial="pdf")

    def __init__(self, data, *, operation: Operation | None):
        super().__init__(data)
        stages = operation.stages.order_by("order") if operation else Stage.objects.none()
        _choice_field(self, "stage").choices = [
            ("", "–"),
            *((s.kind, s.get_kind_display()) for s in stages),
        ]


# The report as a web page carries its print styles inline, as WeasyPrint reads them.
@csp_update({"style-src": ["'self'", "'unsafe-inline'"]})  # type: ignore[arg-type]
@login_required
def sitrep_page(request: HttpRequest, code: str) -> HttpResponse:
    """The report's form; its buttons post it and get the PDF (or the HTML) back."""
    area = _maker(request, code)
    operation = Operation.objects.covering(code).first()
    form = SitrepForm(request.POST or None, operation=operation)
    if request.method == "POST" and form.is_valid():
        try:
            made = reporting.make(
                code, form.cleaned_data["format"], day=form.cleaned_data["date"],
                stage=form.cleaned_data["stage"] or None, acting_user=request.user,
            )  # fmt: skip
        except ValueError as exc:
            form.add_error(None, str(exc))
        else:
            response = HttpResponse(made.content, content_type=made.content_type)
            disposition = "attachment" if made.filename.endswith(".pdf") else "inline"
            response["Content-Disposition"] = f'{disposition}; filename="{made.filename}"'
            return response
    return render(request, "incidents/sitrep_page.html", {"area": area, "form": form},
                  status=422 if form.errors else 200)  # fmt: skip


def _rakor(request: HttpRequest, code: str) -> dict:
    area = _maker(request, code)
    operation = Operation.objects.covering(code).prefetch_related("stages").first()
    now = timezone.now()
    report = sitrep.figures(area, sitrep.window_for(operation, now=now), now=now)
    coming = sitrep.next_stage(operation, report.window.stage)
    lead = progress.STAGE_MILESTONE.get(report.window.stage.kind, progress.DELIVERED) if (
        report.window.stage
    ) else progress.DELIVERED  # fmt: skip
    return {
        "r": report, "area": area, "coming": coming,
        "ready": sitrep.readiness(report, coming) if coming else [],
        "lead": (progress.LABELS[lead], progress.percent(report.total.reached[lead],
                                                        report.total.boxes)),
        "groups": [(printing.GROUP_LABELS[g], cs) for g, cs in sitrep.CATEGORY_GROUPS],
        "live_url": reverse("rakor_live", args=[code]),
    }  # fmt: skip


@login_required
def rakor(request: HttpRequest, code: str) -> HttpResponse:
    """The coordination meeting's projector: the sitrep's figures, large, and what comes next."""
    return render(request, "incidents/rakor.html", _rakor(request, code))


@login_required
def rakor_live(request: HttpRequest, code: str) -> HttpResponse:
    return render(request, "incidents/_rakor_live.html", _rakor(request, code))

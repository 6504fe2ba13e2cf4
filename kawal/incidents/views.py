"""Incident pages: the list with its filters, one incident with its workflow, and the moves."""

import uuid

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from kawal.accounts.scope import Scope, scope_of
from kawal.incidents import handling, reads, workflow
from kawal.incidents.models import Incident
from kawal.operations.models import Operation, Stage
from kawal.territory.models import Region


def _choices(pairs) -> list[tuple[str, str]]:
    return [("", _("all")), *pairs]


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
        self.fields["district"].choices = _choices(
            districts.order_by("code").values_list("code", "name")
        )
        stages = operation.stages.order_by("order") if operation else Stage.objects.none()
        self.fields["stage"].choices = _choices((s.kind, s.get_kind_display()) for s in stages)


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
        "sees_personnel": scope.sees_personnel,
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
                "i": found, "steps": steps, "sees_personnel": scope.sees_personnel,
                "handles": True, "error": error,
            }, status=422)  # fmt: skip
        return redirect("incident", incident_id=incident_id)
    return render(
        request,
        "incidents/_item.html",
        {"i": found, "handles": True, "error": error},
        status=422 if error else 200,
    )

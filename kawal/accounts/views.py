"""The audit log page: command and admin staff read and filter the entries of their area."""

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from kawal.accounts import audit_log
from kawal.accounts.requests import AuthenticatedHttpRequest

PER_PAGE = 50


class AuditFilterForm(forms.Form):
    actor = forms.CharField(label=_("Actor"), max_length=150, required=False)
    action = forms.CharField(label=_("Action"), max_length=60, required=False)
    target = forms.CharField(label=_("Target"), max_length=64, required=False)
    since = forms.DateField(label=_("From (WIB)"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip
    until = forms.DateField(label=_("Until (WIB)"), required=False,
                            widget=forms.DateInput(attrs={"type": "date"}))  # fmt: skip


@login_required
@require_GET
def audit_page(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = AuditFilterForm(request.GET or None)
    valid = form.is_valid() if form.is_bound else True
    chosen = {k: v for k, v in (form.cleaned_data if form.is_bound and valid else {}).items() if v}
    entries = audit_log.listing(request.user, audit_log.Filters(**chosen))
    page = Paginator(entries, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "accounts/audit_log.html",
        {"form": form, "page": page, "query": query.urlencode()},
        status=200 if valid else 400,
    )

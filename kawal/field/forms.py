"""The form that issues a device: a member and the region the device will act in."""

from django import forms
from django.utils.translation import gettext_lazy as _

from kawal.accounts.scope import Scope
from kawal.territory.models import Region


def region_choices(scope: Scope) -> list[tuple[str, str]]:
    """The manager's regions and the regions one level below them."""
    regions = Region.objects.filter(code__in=scope.regions) | Region.objects.filter(
        parent_id__in=scope.regions
    )
    return [(r.code, f"{r.code} {r.name}") for r in regions.order_by("code")]


class IssueForm(forms.Form):
    nrp = forms.CharField(label=_("Member's NRP"), max_length=20)
    region = forms.ChoiceField(label=_("Region the device acts in"))

    def __init__(self, *args, scope: Scope, **kwargs):
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)
        region.choices = region_choices(scope)

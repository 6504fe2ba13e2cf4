"""Incidents drawn on the command center's maps, and the escalated ones picked from a feed."""

from django import template

from kawal.incidents import reads
from kawal.territory.models import Region

register = template.Library()


@register.simple_tag
def incident_markers(area: Region, radius: float = 0.0) -> list[reads.Marker]:
    """Open incidents in `area` as diamonds on its map (the page has checked the scope)."""
    return reads.markers(area, radius)


@register.filter
def escalated_only(incidents) -> list:
    return [i for i in incidents if i.escalated]

"""Small lookups the printed sitrep needs: a dict's value, a category group's count, a shade."""

from django import template

from kawal.incidents.sitrep import AreaFigures

register = template.Library()

# The map's shades, from no trouble (0) to the most (4): on paper (printable in black and
# white too), and on the rakor's dark screen.
SHADES = {
    "paper": ("#f4f4f4", "#fde0c5", "#f8b27a", "#ee7b4d", "#c8281b"),
    "screen": ("#24364a", "#8a6a1f", "#b5781f", "#d0571f", "#e5484d"),
}


@register.filter
def get(mapping: dict, key: str):
    return mapping.get(key, 0)


@register.filter
def group(row: AreaFigures, categories: tuple[str, ...]) -> int:
    return row.group(categories)


@register.filter
def shade(band: int, medium: str = "paper") -> str:
    return SHADES[medium][band]

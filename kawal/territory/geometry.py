"""Boundaries as shapely shapes, and the SVG map drawn from them (no tile server)."""

from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from kawal.territory.models import Region


def boundary_shape(region: Region) -> BaseGeometry:
    if not region.boundary:
        raise ValueError(f"region {region.code} has no boundary")
    return shape(region.boundary)


@dataclass(frozen=True)
class MapShape:
    code: str
    name: str
    path: str  # SVG path data in the map's viewBox


@dataclass(frozen=True)
class SvgMap:
    shapes: tuple[MapShape, ...]
    bounds: tuple[float, float, float, float]  # lng/lat: minx, miny, maxx, maxy
    scale: float  # SVG units per degree

    @property
    def view_box(self) -> str:
        minx, miny, maxx, maxy = self.bounds
        return f"0 0 {(maxx - minx) * self.scale:.0f} {(maxy - miny) * self.scale:.0f}"

    def project(self, lat: float, lng: float) -> tuple[float, float]:
        return ((lng - self.bounds[0]) * self.scale, (self.bounds[3] - lat) * self.scale)


WIDTH = 1000.0


def _ring_path(coords: Iterable[tuple[float, float]], minx: float, maxy: float, scale: float) -> str:
    points = [f"{(x - minx) * scale:.1f},{(maxy - y) * scale:.1f}" for x, y in coords]
    return "M" + "L".join(points) + "Z"


def _shape_path(geom: BaseGeometry, minx: float, maxy: float, scale: float) -> str:
    polygons = getattr(geom, "geoms", [geom])
    parts = []
    for poly in polygons:
        parts.append(_ring_path(poly.exterior.coords, minx, maxy, scale))
        parts.extend(_ring_path(r.coords, minx, maxy, scale) for r in poly.interiors)
    return "".join(parts)


@lru_cache(maxsize=512)
def _svg_map_cached(child_codes: tuple[str, ...]) -> SvgMap:
    regions = list(Region.objects.filter(code__in=child_codes).order_by("code"))
    geoms = {r.code: boundary_shape(r) for r in regions if r.boundary}
    if not geoms:
        return SvgMap(shapes=(), bounds=(0.0, 0.0, 1.0, 1.0), scale=1.0)
    xs0, ys0, xs1, ys1 = zip(*(g.bounds for g in geoms.values()), strict=True)
    bounds = (min(xs0), min(ys0), max(xs1), max(ys1))
    scale = WIDTH / (bounds[2] - bounds[0])
    # Simplify to about a pixel: a wall screen doesn't need survey precision.
    tolerance = 0.4 / scale
    shapes = tuple(
        MapShape(
            r.code,
            r.name,
            _shape_path(
                geoms[r.code].simplify(tolerance, preserve_topology=True),
                bounds[0],
                bounds[3],
                scale,
            ),
        )
        for r in regions
        if r.code in geoms
    )
    return SvgMap(shapes=shapes, bounds=bounds, scale=scale)


def svg_map(parent: Region) -> SvgMap:
    """The map of a region's children, each child a path in a shared viewBox."""
    child_codes = tuple(parent.children.values_list("code", flat=True))
    return _svg_map_cached(child_codes)

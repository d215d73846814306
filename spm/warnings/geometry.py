"""Shapes of warning areas: CAP polygons/circles for the messages we publish,
GeoJSON for the maps, and the kabupaten's outline to decide whether another
authority's alert concerns the region.

CAP writes points as "lat,lon" (WGS 84) and circles as "lat,lon radius_km";
GeoJSON writes [lng, lat]. Boundaries are used when imported, else the
centroid with the radius set in WarningSettings.
"""

import math
import threading
from dataclasses import dataclass

from django.core.cache import cache
from shapely.geometry import GeometryCollection, MultiPolygon, Point, Polygon, box, mapping, shape
from shapely.ops import unary_union

from incidents.models import Kecamatan
from kitaaman import region

# Some CAP consumers refuse polygons with more points than this (IPAWS: 100).
MAX_POLYGON_POINTS = 100
KM_PER_DEGREE = 111.32


@dataclass(frozen=True)
class AreaShape:
    """What CAP says about one area: polygons (each a list of (lat, lng),
    closed) or one circle."""

    polygons: tuple = ()
    circle: tuple | None = None  # (lat, lng, radius_km)


def _simplified_rings(geom) -> list[list[tuple[float, float]]]:
    if isinstance(geom, MultiPolygon | GeometryCollection):
        parts = [g for g in geom.geoms if isinstance(g, Polygon)]
    else:
        parts = [geom] if isinstance(geom, Polygon) else []
    rings = []
    for part in parts:
        if part.is_empty or part.area == 0:
            continue
        tolerance = 0.0005
        simple = part
        while len(simple.exterior.coords) > MAX_POLYGON_POINTS:
            simple = part.simplify(tolerance, preserve_topology=True)
            tolerance *= 2
        # Exterior ring only: CAP polygons have no holes.
        rings.append([(round(lat, 5), round(lng, 5)) for lng, lat in simple.exterior.coords])
    return rings


def area_shape(place, radius_km: float) -> AreaShape:
    """`place`: a Desa or Kecamatan."""
    if place.boundary:
        try:
            rings = _simplified_rings(shape(place.boundary))
        except (ValueError, TypeError, AttributeError, KeyError):
            rings = []
        if rings:
            return AreaShape(polygons=tuple(tuple(r) for r in rings))
    return AreaShape(circle=(round(place.lat, 5), round(place.lng, 5), float(radius_km)))


def cap_polygon(ring) -> str:
    return " ".join(f"{lat},{lng}" for lat, lng in ring)


def cap_circle(circle) -> str:
    lat, lng, radius = circle
    return f"{lat},{lng} {radius:g}"


def circle_polygon(lat: float, lng: float, radius_km: float, segments: int = 32):
    """A circle as a polygon in degrees (longitude scaled by latitude)."""
    dlat = radius_km / KM_PER_DEGREE
    dlng = dlat / max(math.cos(math.radians(lat)), 0.01)
    points = [
        (lng + dlng * math.cos(2 * math.pi * i / segments), lat + dlat * math.sin(2 * math.pi * i / segments))
        for i in range(segments)
    ]
    return Polygon(points)


def shape_geojson(area: AreaShape) -> dict:
    if area.polygons:
        coords = [[[[lng, lat] for lat, lng in ring]] for ring in area.polygons]
        return {"type": "MultiPolygon", "coordinates": coords}
    lat, lng, radius = area.circle
    return mapping(circle_polygon(lat, lng, radius))


# --- the kabupaten, for other authorities' alerts ------------------------------------------------

_lock = threading.Lock()
_kabupaten = {"key": None, "shape": None}


def kabupaten_shape():
    """Union of the kecamatan boundaries when imported, else the bounding box."""
    # Rebuilt when boundaries are imported (import_boundaries bumps this cache key).
    key = (
        tuple(Kecamatan.objects.filter(boundary__isnull=False).values_list("code", flat=True)),
        cache.get("kitaaman:boundary-version", 0),
    )
    if _kabupaten["key"] == key:
        return _kabupaten["shape"]
    with _lock:
        parts = []
        for boundary in Kecamatan.objects.filter(boundary__isnull=False).values_list("boundary", flat=True):
            try:
                parts.append(shape(boundary).buffer(0))
            except (ValueError, TypeError, AttributeError, KeyError):
                continue
        if parts:
            outline = unary_union(parts)
        else:
            b = region.bbox()
            outline = box(b["min_lng"], b["min_lat"], b["max_lng"], b["max_lat"])
        _kabupaten.update(key=key, shape=outline)
    return outline


class BadGeometry(ValueError):
    pass


def parse_cap_polygon(text: str) -> Polygon:
    try:
        points = [tuple(float(v) for v in pair.split(",")) for pair in text.split()]
    except ValueError:
        raise BadGeometry(text[:80])
    if len(points) < 4 or any(len(p) != 2 for p in points):
        raise BadGeometry(text[:80])
    if any(not (-90 <= lat <= 90 and -180 <= lng <= 180) for lat, lng in points):
        raise BadGeometry(text[:80])
    polygon = Polygon([(lng, lat) for lat, lng in points])
    return polygon if polygon.is_valid else polygon.buffer(0)


def parse_cap_circle(text: str) -> Polygon:
    try:
        centre, radius = text.split()
        lat, lng = (float(v) for v in centre.split(","))
        radius = float(radius)
    except ValueError:
        raise BadGeometry(text[:80])
    if not (-90 <= lat <= 90 and -180 <= lng <= 180) or not 0 <= radius <= 20000:
        raise BadGeometry(text[:80])
    if radius == 0:
        return Point(lng, lat).buffer(1e-6)
    return circle_polygon(lat, lng, radius)

"""Point to desa.

Inside a polygon when boundaries are loaded; the nearest polygon for points in
the sliver gaps between desa; the nearest centroid when no boundary is loaded.
A point outside the kabupaten is refused. The geometries are immutable
reference data, cached per process and rebuilt when the boundaries change.
"""

import math
import threading

from django.core.cache import cache
from django.db.models import Count, Max
from shapely.geometry import Point, shape
from shapely.strtree import STRtree

from incidents.models import Desa
from kitaaman import region

_lock = threading.Lock()
_cache = {"key": None, "index": None, "codes": None, "geoms": None, "union": None}

# A point in a sliver is at most a few hundred metres from a polygon; farther
# than this from every desa means it is outside the kabupaten.
MAX_SLIVER_DISTANCE_DEG = 0.01


class OutsideKabupaten(ValueError):
    pass


def in_bbox(lat: float, lng: float) -> bool:
    box = region.bbox()
    return box["min_lat"] <= lat <= box["max_lat"] and box["min_lng"] <= lng <= box["max_lng"]


def _boundary_key():

    agg = Desa.objects.offered().filter(boundary__isnull=False).aggregate(n=Count("code"), last=Max("code"))
    return (agg["n"], agg["last"], _boundary_version())


def _boundary_version():

    return cache.get("kitaaman:boundary-version", 0)


def bump_boundary_version():

    try:
        cache.incr("kitaaman:boundary-version")
    except ValueError:
        cache.set("kitaaman:boundary-version", 1, None)


def _load():
    key = _boundary_key()
    if _cache["key"] == key:
        return _cache
    with _lock:
        if _cache["key"] == key:
            return _cache
        codes, geoms = [], []
        for code, boundary in Desa.objects.offered().filter(boundary__isnull=False).values_list("code", "boundary"):
            codes.append(code)
            geoms.append(shape(boundary))
        _cache.update(key=key, codes=codes, geoms=geoms, index=STRtree(geoms) if geoms else None)
    return _cache


def has_boundaries() -> bool:
    """True when desa polygons are loaded (a point's desa is then exact)."""
    return _load()["index"] is not None


def desa_code_for_point(lat: float, lng: float) -> str:
    """Return the Kemendagri code of the desa containing (lat, lng)."""
    return _code_for(lat, lng, _load(), _Centroids())


def locate_point(lat: float, lng: float) -> tuple[str, bool]:
    """desa_code_for_point and has_boundaries with one look at the geometry
    (the intake asks both for every report with a point)."""
    loaded = _load()
    return _code_for(lat, lng, loaded, _Centroids()), loaded["index"] is not None


def points_lie_in_desa(items) -> list[bool]:
    """For each (lat, lng, desa_code): does the point lie in that desa? One
    load of the geometry for the whole batch (the public map asks for many)."""
    cache, centroids, answers = _load(), _Centroids(), []
    for lat, lng, code in items:
        try:
            answers.append(lat is not None and lng is not None and _code_for(lat, lng, cache, centroids) == code)
        except OutsideKabupaten:
            answers.append(False)
    return answers


class _Centroids:
    """Desa centroids, read once per call when no polygon is loaded."""

    def __init__(self):
        self._rows = None

    def rows(self):
        if self._rows is None:
            self._rows = list(Desa.objects.offered().values_list("code", "lat", "lng"))
        return self._rows


def _code_for(lat, lng, cache, centroids: _Centroids) -> str:
    if not (isinstance(lat, (int, float)) and isinstance(lng, (int, float))) or math.isnan(lat) or math.isnan(lng):
        raise OutsideKabupaten("invalid")
    if not in_bbox(lat, lng):
        raise OutsideKabupaten("bbox")
    point = Point(lng, lat)
    if cache["index"] is not None:
        for i in cache["index"].query(point, predicate="intersects"):
            return cache["codes"][int(i)]
        nearest = cache["index"].nearest(point)
        if nearest is not None and cache["geoms"][int(nearest)].distance(point) <= MAX_SLIVER_DISTANCE_DEG:
            return cache["codes"][int(nearest)]
        raise OutsideKabupaten("outside")
    # No polygons loaded: the nearest centroid inside the bounding box.
    best, best_d = None, None
    for code, dlat, dlng in centroids.rows():
        d = (dlat - lat) ** 2 + ((dlng - lng) * math.cos(math.radians(lat))) ** 2
        if best_d is None or d < best_d:
            best, best_d = code, d
    if best is None:
        raise OutsideKabupaten("no-desa")
    return best

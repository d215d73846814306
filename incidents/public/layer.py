"""The public map layer: GeoJSON holding only what the home page map draws.

Each feature is a point and four short properties: `k` (index in
`categories`), `s` (index in `statuses`), `d` (index in `desa`), `t` (the day
it was received, WIB, as days after `since`), plus `a: 1` when the point is the desa centre rather
than the reported point. Names are listed once in those lookup tables, not per
feature. Points are rounded to PRECISION decimals (about 11 m), and where the
privacy rule withholds the point (`public_places`) it is the desa centre.

`full=True` is the same layer for generic GIS clients (QGIS, GDAL, ArcGIS),
which read each feature on its own: named properties (category, status, desa,
kecamatan, date received, approximate) and a feature `id`, without the lookup
tables. The id is opaque and stable (a keyed hash of the report's row): not
the tracking code, which opens the report's tracking page.
"""

import heapq
import json
from dataclasses import dataclass
from datetime import date, datetime, time

from django.conf import settings
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac

from incidents.models import Category, Desa, Incident, Status
from incidents.public.selectors import PUBLIC_MAP_STATUSES, public_places

PRECISION = 4
PERIODS = {"7d": 7, "30d": 30, "90d": 90}
DEFAULT_PERIOD = "30d"
LAYER_FORMATS = ("compact", "full")


@dataclass(frozen=True)
class LayerQuery:
    since: date
    # (min lng, min lat, max lng, max lat), rounded to PRECISION; None: the whole kabupaten.
    bbox: tuple[float, float, float, float] | None = None
    # True: named properties and feature ids (GIS clients); False: the compact form the map reads.
    full: bool = False

    @classmethod
    def for_period(cls, period: str, bbox=None, full: bool = False) -> "LayerQuery":
        return cls(since=timezone.localdate() - timezone.timedelta(days=PERIODS[period]), bbox=bbox, full=full)

    def cache_params(self) -> tuple:
        return (
            self.since.isoformat(),
            ",".join(str(v) for v in self.bbox) if self.bbox else "all",
            "full" if self.full else "compact",
        )

    def contains(self, lat: float, lng: float) -> bool:
        if self.bbox is None:
            return True
        min_lng, min_lat, max_lng, max_lat = self.bbox
        return min_lat <= lat <= max_lat and min_lng <= lng <= max_lng


def layer_bytes(query: LayerQuery) -> bytes:
    return json.dumps(public_layer(query), ensure_ascii=False, separators=(",", ":")).encode()


def public_layer(query: LayerQuery, limit: int | None = None) -> dict:
    """The newest `limit` public reports received since `query.since`, shown inside `query.bbox`."""
    limit = limit or settings.KITAAMAN_PUBLIC_LAYER_LIMIT
    desa = {
        d.code: d
        for d in Desa.objects.select_related("kecamatan").only("code", "name", "lat", "lng", "kecamatan__name")
    }
    categories = {c.pk: c for c in Category.objects.only("id", "code", "name", "name_en", "group")}
    shown = _shown_rows(query, desa, categories, limit + 1)
    more = len(shown) > limit
    if query.full:
        features = [_full_feature(place, row, desa, categories) for place, row in shown[:limit]]
        return {"type": "FeatureCollection", "since": query.since.isoformat(), "more": more, "features": features}
    lookups = {"k": {}, "d": {}}
    statuses = {code: i for i, code in enumerate(PUBLIC_MAP_STATUSES)}
    features = []
    for (lat, lng, approximate), (category_id, desa_code, status, created_at, _pk) in shown[:limit]:
        properties = {
            "k": lookups["k"].setdefault(category_id, len(lookups["k"])),
            "s": statuses[status],
            "d": lookups["d"].setdefault(desa_code, len(lookups["d"])),
            "t": (timezone.localtime(created_at).date() - query.since).days,
        }
        if approximate:
            properties["a"] = 1
        geometry = {"type": "Point", "coordinates": [lng, lat]}
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    return {
        "type": "FeatureCollection",
        "since": query.since.isoformat(),
        "more": more,
        "categories": [
            {"code": categories[pk].code, "name": categories[pk].display_name, "group": categories[pk].group}
            for pk in lookups["k"]
        ],
        "statuses": [{"code": code, "name": str(Status(code).label)} for code in PUBLIC_MAP_STATUSES],
        "desa": [
            {"code": code, "name": desa[code].name, "kecamatan": desa[code].kecamatan.name} for code in lookups["d"]
        ],
        "features": features,
    }


def feature_id(pk: int) -> str:
    """A report's id in the full layer: stable across requests, telling
    nothing (not the tracking code, not the row number)."""
    return salted_hmac("kitaaman.public.layer.feature", str(pk)).hexdigest()[:16]


def _full_feature(place, row, desa: dict, categories: dict) -> dict:
    (lat, lng, approximate), (category_id, desa_code, status, created_at, pk) = place, row
    category, area = categories[category_id], desa[desa_code]
    return {
        "type": "Feature",
        "id": feature_id(pk),
        "geometry": {"type": "Point", "coordinates": [lng, lat]},
        "properties": {
            "category": category.code,
            "category_name": category.display_name,
            "category_group": category.group,
            "status": status,
            "status_name": str(Status(status).label),
            "desa": desa_code,
            "desa_name": area.name,
            "kecamatan": area.kecamatan.name,
            "date": timezone.localtime(created_at).date().isoformat(),
            "approximate": approximate,
        },
    }


def _shown_rows(query: LayerQuery, desa: dict, categories: dict, wanted: int) -> list:
    """Up to `wanted` (place, row) pairs, newest first, whose public place lies in the bbox.

    The bbox is applied to the place the public sees, never to a withheld
    exact point: a narrow box must not tell where a conflict really is."""
    centres = {code: (d.lat, d.lng) for code, d in desa.items()}
    shown = []
    for batch in _newest_batches(query, desa, categories, wanted):
        places = public_places([(r[0], r[1], r[2], categories[r[3]].is_conflict) for r in batch], centres)
        for (lat, lng, approximate), row in zip(places, batch, strict=True):
            lat, lng = _round(lat), _round(lng)
            if query.contains(lat, lng):
                shown.append(((lat, lng, approximate), (row[3], row[2], row[4], row[5], row[6])))
        if len(shown) >= wanted:
            break
    return shown[:wanted]


def _newest_batches(query: LayerQuery, desa: dict, categories: dict, size: int):
    """The candidate rows, newest first: the newest `size`, then (when the bbox
    check dropped some) the next ones, doubling.

    One query per public status, each read in the order of inc_public_idx
    (confidential, status, -created_at) and stopped after k rows, then
    merged: the cost follows k, not how far back `since` goes."""
    since = timezone.make_aware(datetime.combine(query.since, time.min))
    rows = Incident.objects.filter(confidential=False, created_at__gte=since)
    if query.bbox is not None:
        min_lng, min_lat, max_lng, max_lat = query.bbox
        centres_inside = [code for code, d in desa.items() if query.contains(_round(d.lat), _round(d.lng))]
        # An exact point counts only where it may be shown: never a conflict's.
        exact_inside = Q(lat__gte=min_lat, lat__lte=max_lat, lng__gte=min_lng, lng__lte=max_lng) & Q(
            category_id__in=[pk for pk, c in categories.items() if not c.is_conflict]
        )
        rows = rows.filter(Q(desa_id__in=centres_inside) | exact_inside)
    rows = rows.order_by("-created_at", "-id").values_list(
        "lat", "lng", "desa_id", "category_id", "status", "created_at", "id"
    )
    done, k = 0, size
    while True:
        # The newest k overall are among the newest k of each status.
        parts = [list(rows.filter(status=status)[:k]) for status in PUBLIC_MAP_STATUSES]
        merged = list(heapq.merge(*parts, key=lambda r: (r[5], r[6]), reverse=True))[:k]
        yield merged[done:]
        if all(len(part) < k for part in parts):
            return
        done, k = len(merged), k * 2


def _round(value: float) -> float:
    return round(value, PRECISION)

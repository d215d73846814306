"""The desk map: the reports of the user's filtered queue as GeoJSON points.

It starts from `queue.queue_queryset`, so the map shows exactly what the queue
shows for the same query string (same filters, same visibility rule), never a
report the list would hide. Points are exact for staff (the public map blurs
conflicts to the desa centroid; the desk already shows the exact point on the
report page); a report without coordinates sits at its desa centroid, marked
approximate. No reporter identity is ever part of a feature.

The default view is the role's open work (incidents.desk.work), so the layer
a phone downloads first is small; the filter bar widens it.
"""

import json

from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3

from incidents.desk.queue import queue_queryset
from incidents.models import Priority, Status

# Newest first; a desk zoomed out over the whole kabupaten needs no more.
MAP_LIMIT = 2000
SUMMARY_CHARS = 60  # as in the queue's rows
# About 11 m, as on the public layer: enough to tell houses apart on a zoomed map.
PRECISION = 4

_COLUMNS = (
    "id",
    "tracking_code",
    "status",
    "priority",
    "created_at",
    "lat",
    "lng",
    "title",
    "summary",
    "category__name",
    "category__group",
    "desa__name",
    "desa__lat",
    "desa__lng",
    "kecamatan__name",
    "assignment_requested_at",
)


def desk_map_geojson(user, params, *, limit: int = MAP_LIMIT) -> dict:
    """A FeatureCollection of the user's queue for `params` (the queue's
    cleaned filters). Raises ValidationError for filters it cannot understand.

    Compact, like the public layer (incidents.public.layer): the names are
    listed once in lookup tables and each feature carries short keys:
    `i` id, `c` tracking code, `s` index in `statuses`, `p` priority (1-4),
    `k` index in `categories`, `d` index in `desa`, `t` minutes after `t0`
    (received), `m` the title or the start of the description, plus `a: 1`
    when the point is the desa centre and `r: 1` when an assignment was
    requested. `url` is the report page with `{}` for the id. `truncated`
    says whether more reports matched than `limit`."""
    rows = list(
        queue_queryset(user, params)
        .annotate(summary=Substr("description", 1, SUMMARY_CHARS))
        .order_by("-created_at", "-id")
        .values(*_COLUMNS)[: limit + 1]
    )
    truncated = len(rows) > limit
    rows = rows[:limit]
    statuses = {code: i for i, (code, _label) in enumerate(Status.choices)}
    categories, desa = {}, {}
    t0 = min((row["created_at"] for row in rows), default=timezone.now()).replace(second=0, microsecond=0)
    features = []
    for row in rows:
        approximate = row["lat"] is None or row["lng"] is None
        lat, lng = (row["desa__lat"], row["desa__lng"]) if approximate else (row["lat"], row["lng"])
        category = categories.setdefault((row["category__name"], row["category__group"]), len(categories))
        place = desa.setdefault((row["desa__name"], row["kecamatan__name"]), len(desa))
        properties = {
            "i": row["id"],
            "c": row["tracking_code"],
            "s": statuses.get(row["status"], 0),
            "p": row["priority"],
            "k": category,
            "d": place,
            "t": int((row["created_at"] - t0).total_seconds() // 60),
            "m": row["title"] or row["summary"] or "",
        }
        if approximate:
            properties["a"] = 1
        if row["assignment_requested_at"] is not None:
            properties["r"] = 1
        geometry = {"type": "Point", "coordinates": [round(lng, PRECISION), round(lat, PRECISION)]}
        features.append({"type": "Feature", "geometry": geometry, "properties": properties})
    return {
        "type": "FeatureCollection",
        "url": reverse("desk:detail", args=[987654321]).replace("987654321", "{}"),
        "t0": int(t0.timestamp()),
        "statuses": [{"code": code, "name": str(label)} for code, label in Status.choices],
        "priorities": {str(value): str(label) for value, label in Priority.choices},
        "categories": [{"name": name, "group": group} for name, group in categories],
        "desa": [{"name": name, "kecamatan": kecamatan} for name, kecamatan in desa],
        "months": [str(MONTHS_3[i]).title() for i in range(1, 13)],
        "features": features,
        "truncated": truncated,
        "limit": limit,
    }


def desk_map_bytes(user, params, *, limit: int = MAP_LIMIT) -> bytes:
    """The layer as compact JSON (no spaces, UTF-8 as is)."""
    return json.dumps(desk_map_geojson(user, params, limit=limit), ensure_ascii=False, separators=(",", ":")).encode()

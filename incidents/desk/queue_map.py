"""The desk map: the reports of the user's filtered queue as GeoJSON points.

It starts from `queue.queue_queryset`, so the map shows exactly what the queue
shows for the same query string (same filters, same visibility rule), never a
report the list would hide. Points are exact for staff (the public map blurs
conflicts to the desa centroid; the desk already shows the exact point on the
report page); a report without coordinates sits at its desa centroid, marked
approximate. No reporter identity is ever part of a feature.
"""

from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.dates import MONTHS_3

from incidents.desk.queue import queue_queryset
from incidents.models import Priority, Status

# Newest first; a desk zoomed out over the whole kabupaten needs no more.
MAP_LIMIT = 2000
SUMMARY_CHARS = 80

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


def _when(dt, months) -> str:
    local = timezone.localtime(dt)
    return f"{local.day} {months[local.month - 1]} {local.year} {local:%H.%M} WIB"


def desk_map_geojson(user, params, *, limit: int = MAP_LIMIT) -> dict:
    """A FeatureCollection of the user's queue for `params` (the queue's
    cleaned filters). Raises ValidationError for filters it cannot understand.
    `truncated` says whether more reports matched than `limit`."""
    rows = list(
        queue_queryset(user, params)
        .annotate(summary=Substr("description", 1, SUMMARY_CHARS))
        .order_by("-created_at", "-id")
        .values(*_COLUMNS)[: limit + 1]
    )
    truncated = len(rows) > limit
    statuses = {k: str(v) for k, v in Status.choices}
    priorities = {k: str(v) for k, v in Priority.choices}
    months = [str(MONTHS_3[i]).title() for i in range(1, 13)]
    detail = reverse("desk:detail", args=[987654321]).replace("987654321", "{}")
    features = []
    for row in rows[:limit]:
        approximate = row["lat"] is None or row["lng"] is None
        lat, lng = (row["desa__lat"], row["desa__lng"]) if approximate else (row["lat"], row["lng"])
        features.append(
            {
                "type": "Feature",
                "id": row["id"],
                "geometry": {"type": "Point", "coordinates": [round(lng, 6), round(lat, 6)]},
                "properties": {
                    "code": row["tracking_code"],
                    "url": detail.format(row["id"]),
                    "status": row["status"],
                    "status_label": statuses.get(row["status"], row["status"]),
                    "priority": row["priority"],
                    "priority_label": priorities.get(row["priority"], ""),
                    "category": row["category__name"],
                    "group": row["category__group"],
                    "summary": row["title"] or row["summary"] or "",
                    "desa": row["desa__name"],
                    "kecamatan": row["kecamatan__name"],
                    "created": _when(row["created_at"], months),
                    "approximate": approximate,
                    "assignment_requested": row["assignment_requested_at"] is not None,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features, "truncated": truncated, "limit": limit}

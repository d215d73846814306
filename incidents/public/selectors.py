"""Reads for the public side (citizen pages and the public API).

Nothing here ever returns the reporter's identity or contact, or internal
notes. Reports stay off the public map while they are new (not yet checked
by an officer), when rejected or duplicates, and when the reporter asked.
"""

from datetime import datetime

from django.db.models import Count
from django.utils import timezone

from incidents.intake.tracking import normalize_tracking_code
from incidents.models import Category, Incident, Status
from incidents.reference import geo

PUBLIC_MAP_STATUSES = (Status.DIVERIFIKASI, Status.DITANGANI, Status.SELESAI)


def public_map_incidents():
    return (
        Incident.objects.filter(confidential=False, status__in=PUBLIC_MAP_STATUSES)
        .select_related("category", "desa", "kecamatan")
        .only(
            "id",
            "lat",
            "lng",
            "confidential",
            "status",
            "created_at",
            "category__code",
            "category__name",
            "category__group",
            "desa__code",
            "desa__name",
            "desa__lat",
            "desa__lng",
            "kecamatan__code",
            "kecamatan__name",
        )
        .order_by("-created_at", "-id")
    )


def public_points(incidents) -> dict:
    """{incident pk: (lat, lng, approximate)}: where the public may see each report.

    The exact point only when the reporter gave one, the report is neither a
    conflict nor confidential, and the point lies in the report's own desa (a
    report moved to another desa, or a point the intake could not check, is
    shown at its desa's centre instead of somewhere it is not)."""
    incidents = list(incidents)
    exact_candidates = [
        i for i in incidents if not (i.confidential or i.category.is_conflict or i.lat is None or i.lng is None)
    ]
    inside = geo.points_lie_in_desa([(i.lat, i.lng, i.desa_id) for i in exact_candidates])
    exact = {i.pk for i, ok in zip(exact_candidates, inside, strict=True) if ok}
    return {i.pk: (i.lat, i.lng, False) if i.pk in exact else (i.desa.lat, i.desa.lng, True) for i in incidents}


def public_point(incident) -> tuple[float, float, bool]:
    return public_points([incident])[incident.pk]


def public_feature(incident, point=None) -> dict:
    lat, lng, approximate = point or public_point(incident)
    return {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [round(lng, 5), round(lat, 5)]},
        "properties": {
            "category": incident.category.code,
            "category_name": incident.category.name,
            "group": incident.category.group,
            "status": incident.status,
            "status_label": str(Status(incident.status).label),
            "date": timezone.localtime(incident.created_at).date().isoformat(),
            "desa": incident.desa.name,
            "kecamatan": incident.kecamatan.name,
            # Conflicts are shown at the desa centroid, never the exact point.
            "approximate": approximate,
        },
    }


def public_geojson(limit: int = 2000) -> dict:
    incidents = list(public_map_incidents()[:limit])
    points = public_points(incidents)
    return {"type": "FeatureCollection", "features": [public_feature(i, points[i.pk]) for i in incidents]}


def month_range(now: datetime | None = None):
    now = timezone.localtime(now or timezone.now())
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
    return start, end


def category_counts_for_month(now: datetime | None = None) -> list[dict]:
    """Reports received this month per category (all statuses but duplicates and rejected)."""
    start, end = month_range(now)
    counts = dict(
        Incident.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(status__in=(Status.DUPLIKAT, Status.DITOLAK))
        .values_list("category_id")
        .annotate(n=Count("id"))
        .values_list("category_id", "n")
    )
    return [{"category": c, "count": counts.get(c.id, 0)} for c in Category.objects.filter(active=True)]


def incident_by_tracking_code(raw_code: str):
    code = normalize_tracking_code(raw_code)
    if not code:
        return None
    return Incident.objects.select_related("category", "desa", "kecamatan").filter(tracking_code=code).first()


def original_status(incident) -> str | None:
    """For a duplicate: the status of the report it was joined to. That is all
    its reporter may know of it: the original's tracking code would open the
    original's own page (title, timeline, point), which is its reporter's."""
    if incident.status != Status.DUPLIKAT or incident.duplicate_of_id is None:
        return None
    return Incident.objects.filter(pk=incident.duplicate_of_id).values_list("status", flat=True).first()


def public_events(incident):
    """Public notes plus every status change, with internal notes blanked."""
    from incidents.public.events import public_events as events

    return events(incident)

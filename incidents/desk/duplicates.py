"""Possible duplicates of a report: nearby reports of the same category."""

import math
from datetime import timedelta

from django.db.models import Q

from incidents.models import OPEN_STATUSES
from incidents.selectors import incidents_visible_to

DUPLICATE_RADIUS_KM = 1.0


DUPLICATE_WINDOW = timedelta(days=7)


def _haversine_km(lat1, lng1, lat2, lng2):
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def possible_duplicates(user, incident, limit=10):
    """Open reports of the same category, within ~1 km or in the same desa,
    created within 7 days of this one, among those the user may see."""
    if incident.status not in OPEN_STATUSES:
        return []
    near = Q(desa_id=incident.desa_id)
    if incident.lat is not None and incident.lng is not None:
        dlat = DUPLICATE_RADIUS_KM / 111.0
        dlng = DUPLICATE_RADIUS_KM / (111.0 * max(math.cos(math.radians(incident.lat)), 0.1))
        near |= Q(
            lat__range=(incident.lat - dlat, incident.lat + dlat), lng__range=(incident.lng - dlng, incident.lng + dlng)
        )
    candidates = (
        incidents_visible_to(user)
        .filter(
            near,
            category_id=incident.category_id,
            status__in=OPEN_STATUSES,
            created_at__gte=incident.created_at - DUPLICATE_WINDOW,
            created_at__lte=incident.created_at + DUPLICATE_WINDOW,
        )
        .exclude(pk=incident.pk)
        .select_related("desa", "category")
        .order_by("created_at")[: limit * 3]
    )
    found = []
    for other in candidates:
        distance = None
        if None not in (incident.lat, incident.lng, other.lat, other.lng):
            distance = _haversine_km(incident.lat, incident.lng, other.lat, other.lng)
        if other.desa_id != incident.desa_id and (distance is None or distance > DUPLICATE_RADIUS_KM):
            continue
        found.append({"incident": other, "distance_m": None if distance is None else round(distance * 1000)})
        if len(found) >= limit:
            break
    return found

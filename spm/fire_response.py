"""The exact median fire response time of a period: from the recorded
arrival times (not the histogram), kept once computed while the aggregates
say the same fires are there."""

import statistics
from datetime import datetime

from django.db import connection
from django.db.models import Aggregate, F, FloatField, Func, Value
from django.db.models.functions import Greatest

from incidents.models import Category, Incident, SpmService

from . import statements
from .aggregates import FireMedianCache
from .calculations import NOT_COUNTED


def _fire_median(*, start: datetime, end: datetime, kecamatan: str | None) -> float | None:
    categories = list(Category.objects.filter(spm_service=SpmService.KEBAKARAN).values_list("pk", flat=True))
    if not categories:
        return None
    qs = Incident.objects.filter(
        reported_at__gte=start, reported_at__lt=end, arrived_at__isnull=False, category_id__in=categories
    ).exclude(status__in=NOT_COUNTED)
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
    if connection.vendor == "postgresql":
        # One statement over the arrival index, without visiting the table.
        seconds = Func(
            F("arrived_at") - F("reported_at"), function="EXTRACT", template="EXTRACT(EPOCH FROM %(expressions)s)"
        )
        value = qs.aggregate(m=Median(Greatest(Value(0.0), seconds, output_field=FloatField())))["m"]
        return round(float(value) / 60, 2) if value is not None else None
    seconds = [max(0.0, (a - r).total_seconds()) for r, a in qs.values_list("reported_at", "arrived_at")]
    return round(statistics.median(seconds) / 60, 2) if seconds else None


def _cached_minutes(**key_and_fingerprint):
    """The kept median of a period while its fires are the same (the first kept, as .first() reads)."""
    return FireMedianCache.objects.filter(**key_and_fingerprint).order_by("pk").values_list("minutes")[:1]


def fire_minutes_exact(period, *, kecamatan: str | None, fire: dict) -> float | None:
    """The exact median response time (minutes) of the period's fire reports
    with an arrival recorded, from the recorded times; kept in FireMedianCache
    while the aggregates (`fire`: count and total seconds of those arrivals)
    say the same fires are there."""
    key = {"start": period.start, "end": period.end, "kecamatan": kecamatan or ""}
    fingerprint = {"arrived": fire["arrived"], "seconds": fire["seconds"]}
    if not fire["arrived"]:
        return None
    found = statements.rows(("spm-fire-median-cached",), _cached_minutes, **key, **fingerprint)
    cached = found[0][0] if found else None
    if cached is not None:
        return cached
    value = _fire_median(start=period.start_dt, end=period.end_dt, kecamatan=kecamatan)
    FireMedianCache.objects.update_or_create(**key, defaults={**fingerprint, "minutes": value})
    return value


class Median(Aggregate):
    function = "PERCENTILE_CONT"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()

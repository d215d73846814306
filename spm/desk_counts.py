"""The desk's status counts from the rollups.

incidents never imports spm: SpmConfig.ready() provides this function to the
slot incidents.signals.desk_status_counts, which the desk reads for users
whose visibility is a set of kecamatan. The rollups are kept in the
same transaction as every report change (spm.rollup), so the figures are
exact, and reading them costs the same at ten thousand reports as at a
million (rows per month x category x kecamatan x status, and per deadline
day x kecamatan x status, never per report)."""

from datetime import datetime, time

from django.db.models import Sum
from django.utils import timezone

from incidents.models import OPEN_STATUSES, Incident, Status

from .aggregates import StatMonthly, StatOpenDue
from .calculations import WIB


def desk_status_counts(*, kecamatan_codes, now=None) -> dict:
    """Reports per status among these kecamatan, plus `overdue`: open reports
    past their running deadline at `now` (earlier deadline days from the
    rollup, today's read live on the due-time index)."""
    codes = sorted(kecamatan_codes)
    now = now or timezone.now()
    counts = dict.fromkeys(Status.values, 0)
    rows = StatMonthly.objects.filter(kecamatan_id__in=codes).values_list("status").annotate(total=Sum("n"))
    counts.update({status: total or 0 for status, total in rows})
    start_of_today = datetime.combine(now.astimezone(WIB).date(), time.min, tzinfo=WIB)
    earlier = StatOpenDue.objects.filter(kecamatan_id__in=codes, due_day__lt=start_of_today.date())
    today = Incident.objects.filter(
        kecamatan_id__in=codes, due_at__gte=start_of_today, due_at__lt=now, status__in=OPEN_STATUSES
    )
    counts["overdue"] = (earlier.aggregate(total=Sum("n"))["total"] or 0) + today.count()
    return counts

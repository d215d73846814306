"""Overdue reports as at a moment: the end of a closed period, or now.

A report is overdue at moment E when, at E, it had been received, was still
open (not closed, or closed only after E) and the deadline that applied at E
had passed: the verification deadline while it was not verified by E, the
follow-up deadline once it was. Rejected and duplicate reports are not
counted (as everywhere else). Days overdue are measured to E, so a closed
period's document never changes with the day it is printed.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Case, Count, F, Q, When
from django.utils.translation import gettext as _

from incidents.models import OPEN_STATUSES, Assignment, Incident, Status

from .calculations import NOT_COUNTED
from .formatting import fmt_datetime

LIST_LIMIT = 2000


@dataclass(frozen=True)
class Overdue:
    at: datetime
    in_period: int  # received in the period
    carried_over: int  # received before the period started
    open_total: int  # every report open at `at` (the denominator)

    @property
    def total(self) -> int:
        return self.in_period + self.carried_over


def _open_at(at: datetime) -> Q:
    return Q(status__in=OPEN_STATUSES) | Q(closed_at__gte=at)


def _overdue_at(at: datetime) -> Q:
    unverified = Q(verified_at__isnull=True) | Q(verified_at__gte=at)
    return (unverified & Q(verify_due_at__lt=at)) | (Q(verified_at__lt=at) & Q(followup_due_at__lt=at))


def _base(at: datetime, kecamatan: str | None):
    qs = Incident.objects.filter(reported_at__lt=at).exclude(status__in=NOT_COUNTED).filter(_open_at(at))
    return qs.filter(kecamatan_id=kecamatan) if kecamatan else qs


def overdue_at(*, at: datetime, period_start: datetime, kecamatan: str | None = None) -> Overdue:
    row = _base(at, kecamatan).aggregate(
        open_total=Count("id"),
        in_period=Count("id", filter=_overdue_at(at) & Q(reported_at__gte=period_start)),
        carried_over=Count("id", filter=_overdue_at(at) & Q(reported_at__lt=period_start)),
    )
    return Overdue(at=at, in_period=row["in_period"], carried_over=row["carried_over"], open_total=row["open_total"])


def _responsible(incident, assignments) -> tuple[str, str]:
    """(group key, who should act) for an overdue report."""
    open_ones = [a for a in assignments if a.completed_at is None]
    if open_ones:
        names = sorted({str(a.agency) for a in open_ones})
        return ", ".join(names), ", ".join(names)
    if incident.verified_at is None:
        return "verifikasi", _("Satpol PP (verifikasi)")
    return "penugasan", _("Koordinator Satpol PP (belum ditugaskan)")


def overdue_list(*, at: datetime, period_start: datetime, kecamatan: str | None = None) -> dict:
    """The reports overdue at `at`, oldest deadline first, grouped by who must act."""
    deadline = Case(
        When(Q(verified_at__isnull=True) | Q(verified_at__gte=at), then=F("verify_due_at")),
        default=F("followup_due_at"),
    )
    qs = (
        _base(at, kecamatan)
        .filter(_overdue_at(at))
        .annotate(deadline=deadline)
        .select_related("category", "kecamatan", "desa")
        .order_by("deadline", "id")
    )
    rows = list(qs[:LIST_LIMIT])
    by_incident: dict[int, list] = {}
    for a in Assignment.objects.filter(incident_id__in=[r.pk for r in rows]).select_related("agency"):
        by_incident.setdefault(a.incident_id, []).append(a)
    groups: dict[str, dict] = {}
    items = []
    for incident in rows:
        key, who = _responsible(incident, by_incident.get(incident.pk, []))
        days = (at - incident.deadline).total_seconds() / 86400
        item = {
            "id": incident.pk,
            "tracking_code": incident.tracking_code,
            "category_code": incident.category.code,
            "category": incident.category.name,
            "kecamatan": incident.kecamatan.name,
            "desa": incident.desa.name,
            "status": incident.status,
            "status_label": str(Status(incident.status).label),
            "reported_at": incident.reported_at.isoformat(),
            "carried_over": incident.reported_at < period_start,
            "due_at": incident.deadline.isoformat(),
            "due_display": fmt_datetime(incident.deadline),
            "days_overdue": round(days, 1),
            "responsible": who,
        }
        items.append(item)
        group = groups.setdefault(key, {"responsible": who, "count": 0, "oldest_days": 0.0})
        group["count"] += 1
        group["oldest_days"] = max(group["oldest_days"], item["days_overdue"])
    ordered = sorted(groups.values(), key=lambda g: (-g["count"], -g["oldest_days"]))
    return {"items": items, "groups": ordered, "limit": LIST_LIMIT, "truncated": len(rows) >= LIST_LIMIT}

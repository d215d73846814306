"""The figures of a summary, computed once at generation time and stored as
JSON, so the page, the PDF, the XLSX and the e-mail show the same numbers.

Per-service capaian and index come from spm.calculations (the numbers the
dashboard shows); the rest is counted from the reports of the period.
"""

import logging
import statistics
from datetime import datetime
from decimal import Decimal

from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from incidents.models import OPEN_STATUSES, Category, Incident, Kecamatan, SpmService, Status

from .models import Kind
from .periods import MONTHS_SHORT, WIB, Period

logger = logging.getLogger(__name__)

OVERDUE_LIMIT = 100
NOTABLE_LIMIT = 100
MANY_DISPLACED = 50
DEFAULT_FIRE_MINUTES = 15


def fmt_dt(value: datetime | None) -> str:
    """27 Nov 2026 14.05 WIB"""
    if value is None:
        return ""
    local = value.astimezone(WIB)
    return f"{local.day} {MONTHS_SHORT[local.month - 1]} {local.year} {local:%H.%M} WIB"


def _pct(part, whole):
    return round(100.0 * part / whole, 1) if whole else None


def _services(period: Period) -> tuple[list[dict], str]:
    """Capaian per SPM service for the period (weekly: the month it ends in, so far)."""
    try:
        from spm.calculations import achievements
    except ImportError:
        return _services_fallback(period), "laporan"
    if period.kind == Kind.QUARTERLY:
        data = achievements(year=period.year, quarter=period.quarter)
    else:
        data = achievements(year=period.end.year, month=period.end.month)
    rows = []
    for service in data.get("services", []):
        rows.append(
            {
                "code": service.get("code"),
                "name": str(service.get("name", "")),
                "must_serve": _plain(service.get("must_serve")),
                "served": _plain(service.get("served")),
                "capaian": _plain(service.get("capaian")),
                "quality": _plain(service.get("quality")),
                "index": _plain(service.get("index")),
            }
        )
    return rows, "spm"


def _plain(value):
    # Stored as JSON: a Decimal would not serialise.
    return float(value) if isinstance(value, Decimal) else value


def _services_fallback(period: Period) -> list[dict]:
    # Only when spm.calculations is not installed: capaian from the counts on
    # the reports themselves, without the quality part.
    rows = []
    base = Incident.objects.filter(created_at__gte=period.start_dt, created_at__lt=period.end_dt)
    for code, name in SpmService.choices:
        agg = base.filter(category__spm_service=code).aggregate(must=Sum("spm_must_serve"), served=Sum("spm_served"))
        must, served = agg["must"] or 0, agg["served"] or 0
        rows.append(
            {
                "code": code,
                "name": str(name),
                "must_serve": must,
                "served": served,
                "capaian": _pct(served, must),
                "quality": None,
                "index": None,
            }
        )
    return rows


def _service_levels(qs, now) -> dict:
    triaged = Coalesce("verified_at", "closed_at")
    verify = qs.filter(verify_due_at__isnull=False).annotate(triaged_at=triaged)
    v = verify.aggregate(
        on_time=Count("id", filter=Q(triaged_at__isnull=False, triaged_at__lte=F("verify_due_at"))),
        late_done=Count("id", filter=Q(triaged_at__isnull=False, triaged_at__gt=F("verify_due_at"))),
        late_open=Count("id", filter=Q(triaged_at__isnull=True, verify_due_at__lt=now)),
        pending=Count("id", filter=Q(triaged_at__isnull=True, verify_due_at__gte=now)),
    )
    follow = qs.filter(followup_due_at__isnull=False)
    f = follow.aggregate(
        on_time=Count("id", filter=Q(resolved_at__isnull=False, resolved_at__lte=F("followup_due_at"))),
        late_done=Count("id", filter=Q(resolved_at__isnull=False, resolved_at__gt=F("followup_due_at"))),
        late_open=Count("id", filter=Q(resolved_at__isnull=True, followup_due_at__lt=now)),
        pending=Count("id", filter=Q(resolved_at__isnull=True, followup_due_at__gte=now)),
    )
    result = {}
    for name, agg in (("verify", v), ("followup", f)):
        late = agg["late_done"] + agg["late_open"]
        result[name] = {
            "on_time": agg["on_time"],
            "late": late,
            "pending": agg["pending"],
            "share": _pct(agg["on_time"], agg["on_time"] + late),
        }
    return result


def _overdue(period: Period, now) -> dict:
    cutoff = min(now, period.end_dt)
    qs = (
        Incident.objects.filter(status__in=OPEN_STATUSES, due_at__lt=cutoff)
        .select_related("category", "kecamatan", "desa")
        .order_by("due_at", "id")
    )
    items = []
    for incident in qs[:OVERDUE_LIMIT]:
        hours = (now - incident.due_at).total_seconds() / 3600
        items.append(
            {
                "id": incident.pk,
                "category": incident.category.name,
                "kecamatan": incident.kecamatan.name,
                "desa": incident.desa.name,
                "status": incident.status,
                "status_label": str(Status(incident.status).label),
                "due_at": incident.due_at.isoformat(),
                "due_display": fmt_dt(incident.due_at),
                "hours_overdue": round(hours, 1),
            }
        )
    return {"count": qs.count(), "items": items, "limit": OVERDUE_LIMIT}


def _fire_standard() -> int:
    try:
        from spm.rollup import fire_standard_minutes
    except ImportError:
        return DEFAULT_FIRE_MINUTES
    return fire_standard_minutes()


def _fire_response(qs) -> dict:
    standard = _fire_standard()
    fires = qs.filter(Q(category__group=Category.Group.KEBAKARAN) | Q(category__spm_service=SpmService.KEBAKARAN))
    rows = list(fires.values_list("reported_at", "arrived_at"))
    minutes = [max((arrived - reported).total_seconds() / 60, 0) for reported, arrived in rows if arrived and reported]
    within = sum(1 for m in minutes if m <= standard)
    return {
        "count": len(rows),
        "with_arrival": len(minutes),
        "standard_minutes": standard,
        "within_standard": within,
        "share_within_standard": _pct(within, len(minutes)),
        "median_minutes": round(statistics.median(minutes), 1) if minutes else None,
        "average_minutes": round(statistics.fmean(minutes), 1) if minutes else None,
        "max_minutes": round(max(minutes), 1) if minutes else None,
    }


def _number(value) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        return 0


def _notable(qs) -> list[dict]:
    condition = (
        Q(details__ada_kekerasan=True)
        | Q(details__meninggal__gt=0)
        | Q(details__korban_meninggal__gt=0)
        | Q(details__mengungsi__gte=MANY_DISPLACED)
    )
    items = []
    for incident in (
        qs.filter(condition).select_related("category", "kecamatan", "desa").order_by("created_at")[:NOTABLE_LIMIT]
    ):
        details = incident.details or {}
        reasons = []
        if details.get("ada_kekerasan") is True:
            reasons.append("Terjadi kekerasan")
        dead = max(_number(details.get("meninggal")), _number(details.get("korban_meninggal")))
        if dead > 0:
            reasons.append(f"{dead} orang meninggal")
        displaced = _number(details.get("mengungsi"))
        if displaced >= MANY_DISPLACED:
            reasons.append(f"{displaced} warga mengungsi")
        if not reasons:
            continue
        items.append(
            {
                "id": incident.pk,
                "category": incident.category.name,
                "kecamatan": incident.kecamatan.name,
                "desa": incident.desa.name,
                "status_label": str(Status(incident.status).label),
                "created_display": fmt_dt(incident.created_at),
                "reasons": reasons,
            }
        )
    return items


def _action_plans(period: Period) -> dict:
    try:
        from spm.models import Milestone
    except ImportError:
        return {"available": False, "items": []}
    items = []
    changed = Milestone.objects.filter(updated_at__gte=period.start_dt, updated_at__lt=period.end_dt)
    for milestone in changed.order_by("sort_order", "id"):
        items.append(
            {
                "code": milestone.code,
                "title": milestone.title,
                "owner": milestone.owner,
                "status_label": str(milestone.get_status_display()),
                "due_date": milestone.due_date.isoformat() if milestone.due_date else "",
                "completed_on": milestone.completed_on.isoformat() if milestone.completed_on else "",
                "updated_display": fmt_dt(milestone.updated_at),
            }
        )
    return {"available": True, "items": items}


def compute_figures(period: Period, *, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    qs = Incident.objects.filter(created_at__gte=period.start_dt, created_at__lt=period.end_dt)
    services, services_source = _services(period)
    by_category = [
        {"code": row["category__code"], "name": row["category__name"], "count": row["n"]}
        for row in qs.values("category__code", "category__name")
        .annotate(n=Count("id"))
        .order_by("-n", "category__name")
    ]
    status_counts = dict(qs.values_list("status").annotate(n=Count("id")))
    by_status = [
        {"code": code, "name": str(label), "count": status_counts.get(code, 0)} for code, label in Status.choices
    ]
    in_period = Q(incidents__created_at__gte=period.start_dt, incidents__created_at__lt=period.end_dt)
    by_kecamatan = [
        {"code": k.code, "name": k.name, "count": k.n}
        for k in Kecamatan.objects.annotate(n=Count("incidents", filter=in_period)).order_by("code")
    ]
    total = sum(row["count"] for row in by_status)
    open_count = sum(status_counts.get(s, 0) for s in OPEN_STATUSES)
    overdue = _overdue(period, now)
    return {
        "period": period.as_dict(),
        "generated_at": now.isoformat(),
        "generated_display": fmt_dt(now),
        "provisional": now < period.end_dt,
        "totals": {
            "reports": total,
            "open": open_count,
            "closed": total - open_count,
            "overdue": overdue["count"],
        },
        "services": services,
        "services_source": services_source,
        "services_scope": (
            period.label
            if period.kind != Kind.WEEKLY
            else f"{MONTHS_SHORT[period.end.month - 1]} {period.end.year} (bulan berjalan)"
        ),
        "by_category": by_category,
        "by_status": by_status,
        "by_kecamatan": by_kecamatan,
        "service_levels": _service_levels(qs, now),
        "overdue": overdue,
        "fire_response": _fire_response(qs),
        "action_plans": _action_plans(period),
        "notable": _notable(qs),
    }

"""The figures of a summary, computed once at generation time and stored as
JSON, so the page, the PDF, the XLSX and the e-mail show the same numbers.

Per-service capaian and index come from spm.calculations (the numbers the
dashboard shows); the rest is counted from the reports of the period.
"""

import logging
import statistics
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Count, F, Q
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from incidents.models import OPEN_STATUSES, Category, Incident, Kecamatan, SpmService, Status
from spm.calculations import achievements, trend
from spm.formatting import fmt_datetime, month_short
from spm.models import Milestone
from spm.population.selectors import kecamatan_population
from spm.rollup import fire_standard_minutes

from .models import Kind
from .periods import WIB, Period

logger = logging.getLogger(__name__)

OVERDUE_LIMIT = 100
NOTABLE_LIMIT = 100
MANY_DISPLACED = 50


def reason_text(reason: dict) -> str:
    """Why a report is notable, in the active language."""
    if reason["code"] == "kekerasan":
        return _("Terjadi kekerasan")
    if reason["code"] == "meninggal":
        return ngettext("%(n)s orang meninggal", "%(n)s orang meninggal", reason["n"]) % {"n": reason["n"]}
    return ngettext("%(n)s warga mengungsi", "%(n)s warga mengungsi", reason["n"]) % {"n": reason["n"]}


def _pct(part, whole):
    return round(100.0 * part / whole, 1) if whole else None


def _services(period: Period) -> list[dict]:
    """Capaian per SPM service for the period (weekly: the month it ends in, so far)."""
    if period.kind == Kind.QUARTERLY:
        data = achievements(year=period.year, quarter=period.quarter)
    else:
        data = achievements(year=period.end.year, month=period.end.month)
    return [
        {
            "code": service["code"],
            "name": str(service["name"]),
            "must_serve": _plain(service["must_serve"]),
            "served": _plain(service["served"]),
            "capaian": _plain(service["capaian"]),
            "quality": _plain(service["quality"]),
            "index": _plain(service["index"]),
        }
        for service in data["services"]
    ]


def _plain(value):
    # Stored as JSON: a Decimal would not serialise.
    return float(value) if isinstance(value, Decimal) else value


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
                "tracking_code": incident.tracking_code,
                "category_code": incident.category.code,
                "category": incident.category.name,
                "kecamatan": incident.kecamatan.name,
                "desa": incident.desa.name,
                "status": incident.status,
                "status_label": str(Status(incident.status).label),
                "due_at": incident.due_at.isoformat(),
                "due_display": fmt_datetime(incident.due_at),
                "hours_overdue": round(hours, 1),
            }
        )
    return {"count": qs.count(), "items": items, "limit": OVERDUE_LIMIT}


def _fire_response(qs) -> dict:
    standard = fire_standard_minutes()
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
        # Codes and numbers: the page words them in the reader's language.
        codes = []
        if details.get("ada_kekerasan") is True:
            codes.append({"code": "kekerasan"})
        dead = max(_number(details.get("meninggal")), _number(details.get("korban_meninggal")))
        if dead > 0:
            codes.append({"code": "meninggal", "n": dead})
        displaced = _number(details.get("mengungsi"))
        if displaced >= MANY_DISPLACED:
            codes.append({"code": "mengungsi", "n": displaced})
        if not codes:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            reasons = [reason_text(c) for c in codes]
        items.append(
            {
                "id": incident.pk,
                "tracking_code": incident.tracking_code,
                "category_code": incident.category.code,
                "category": incident.category.name,
                "kecamatan": incident.kecamatan.name,
                "desa": incident.desa.name,
                "status": incident.status,
                "status_label": str(Status(incident.status).label),
                "created_at": incident.created_at.isoformat(),
                "created_display": fmt_datetime(incident.created_at),
                "reasons": reasons,
                "reason_codes": codes,
            }
        )
    return items


def _action_plans(period: Period) -> dict:
    items = []
    changed = Milestone.objects.filter(updated_at__gte=period.start_dt, updated_at__lt=period.end_dt)
    for milestone in changed.order_by("sort_order", "id"):
        items.append(
            {
                "code": milestone.code,
                "title": milestone.title,
                "title_en": milestone.title_en,
                "owner": milestone.owner,
                "owner_en": milestone.owner_en,
                "status": milestone.status,
                "status_label": str(milestone.get_status_display()),
                "due_date": milestone.due_date.isoformat() if milestone.due_date else "",
                "completed_on": milestone.completed_on.isoformat() if milestone.completed_on else "",
                "updated_at": milestone.updated_at.isoformat(),
                "updated_display": fmt_datetime(milestone.updated_at),
            }
        )
    return {"available": True, "items": items}


def compute_figures(period: Period, *, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    qs = Incident.objects.filter(created_at__gte=period.start_dt, created_at__lt=period.end_dt)
    services = _services(period)
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
    population = kecamatan_population(year=period.year)
    by_kecamatan = []
    for k in Kecamatan.objects.annotate(n=Count("incidents", filter=in_period)).order_by("code"):
        figure = population.get(k.code)
        by_kecamatan.append(
            {
                "code": k.code,
                "name": k.name,
                "count": k.n,
                "population": figure.value if figure else None,
                "population_year": figure.year if figure else None,
                "population_source": figure.source if figure else "",
                "per_1000": round(k.n * 1000 / figure.value, 4) if figure else None,
            }
        )
    total = sum(row["count"] for row in by_status)
    open_count = sum(status_counts.get(s, 0) for s in OPEN_STATUSES)
    overdue = _overdue(period, now)
    return {
        "period": period.as_dict(),
        "generated_at": now.isoformat(),
        "generated_display": fmt_datetime(now),
        "provisional": now < period.end_dt,
        "totals": {
            "reports": total,
            "open": open_count,
            "closed": total - open_count,
            "overdue": overdue["count"],
        },
        "services": services,
        "services_source": "spm",
        # The dashboard's trend chart of the year, up to the end of the period.
        "trend": trend(year=period.end.year, until=min(period.end, now.astimezone(WIB).date())),
        "services_scope": (
            period.label
            if period.kind != Kind.WEEKLY
            else _("%(month)s %(year)s (bulan berjalan)")
            % {"month": month_short(period.end.month), "year": period.end.year}
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

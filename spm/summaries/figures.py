"""The figures of a summary, computed once at generation time and stored as
JSON, so the page, the PDF, the XLSX and the e-mail show the same numbers.

Per-service capaian and index come from spm.calculations (the numbers the
dashboard shows); the rest is counted from the reports of the period.
"""

import logging
from datetime import datetime
from decimal import Decimal

from django.conf import settings
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from incidents.models import Category, Incident, Status
from spm.calculations import NOT_COUNTED, trend
from spm.figures import FigurePeriod, period_figures, service_key
from spm.formatting import fmt_datetime, month_name
from spm.legal import document_record
from spm.models import Milestone
from spm.overdue import overdue_list, report_item
from spm.population.selectors import kecamatan_population

from .models import Kind, Summary
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


def _plain(value):
    # Stored as JSON: a Decimal would not serialise.
    return float(value) if isinstance(value, Decimal) else value


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
        qs.filter(condition).select_related("category", "kecamatan", "desa").order_by("reported_at")[:NOTABLE_LIMIT]
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
                **report_item(incident),
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


KIND_TO_FIGURE = {Kind.WEEKLY: "week", Kind.MONTHLY: "month", Kind.QUARTERLY: "quarter"}


def figure_period(period: Period) -> FigurePeriod:
    return FigurePeriod(
        kind=KIND_TO_FIGURE[period.kind], key=period.key, start=period.start, end=period.end, label=str(period.label)
    )


def _services(result) -> list[dict]:
    """Capaian per SPM service (weekly: the month it ends in, so far), as the figures give it."""
    out = []
    for service in result.achievements["services"]:
        figure = result[service_key(service["code"])]
        out.append(
            {
                "code": service["code"],
                "name": str(service["name"]),
                "must_serve": _plain(service["must_serve"]),
                "served": _plain(service["served"]),
                "capaian": _plain(figure.value),
                "note": str(figure.note),
                "capped": figure.extra["capped"],
                "change": figure.extra["change"]["value"],
                "change_reason": str(figure.extra["change"]["reason"]),
                "quality": _plain(service["quality"]),
                "index": _plain(service["index"]),
                "band": service["band"],
            }
        )
    return out


def _service_levels(result) -> dict:
    out = {}
    for name, key in (("verify", "verified_on_time_share"), ("followup", "followup_on_time_share")):
        figure = result[key]
        out[name] = {
            "on_time": figure.numerator,
            "late": figure.denominator - figure.numerator,
            "denominator": figure.denominator,
            "denominator_label": str(figure.denominator_label),
            "share": figure.value,
        }
    return out


def _fire_response(result) -> dict:
    share, median = result["fire_on_time_share"], result["fire_response_median_minutes"]
    return {
        "count": result["fire_reports"].value,
        "with_arrival": share.denominator,
        "without_arrival": result["fire_reports_without_arrival"].value,
        "standard_minutes": share.extra["standard_minutes"],
        "within_standard": share.numerator,
        "share_within_standard": share.value,
        "median_minutes": median.value,
        "average_minutes": result.counts["fire"]["average_minutes"],
    }


def _by_kecamatan(result, population) -> list[dict]:
    rows = []
    for row in result.kecamatan_rows:
        figure = population.get(row["code"])
        rows.append(
            {
                "code": row["code"],
                "name": row["name"],
                "count": row["reports"],
                "population": row["population"],
                "population_year": row["population_year"],
                "population_source": figure.source if figure else "",
                "per_1000": row["per_1000"],
                "services": row["services"],
            }
        )
    return rows


def _corrections(period: Period, since: datetime) -> dict:
    """Reports received before this period but entered after the previous
    summary was issued: they change an earlier period's figures."""
    qs = (
        Incident.objects.filter(reported_at__lt=period.start_dt, created_at__gte=since)
        .exclude(status__in=NOT_COUNTED)
        .select_related("category", "kecamatan", "desa")
        .order_by("reported_at", "id")
    )
    items = [{**report_item(i), "created_at": i.created_at.isoformat()} for i in qs[:NOTABLE_LIMIT]]
    return {"count": qs.count(), "since": since.isoformat(), "items": items}


def _previous_issue(period: Period) -> datetime:
    previous = (
        Summary.objects.filter(kind=period.kind, end_date__lt=period.start)
        .order_by("-end_date")
        .values_list("generated_at", flat=True)
        .first()
    )
    return previous or period.start_dt


def compute_figures(period: Period, *, now: datetime | None = None) -> dict:
    now = now or timezone.now()
    result = period_figures(figure_period(period), now=now)
    counts = result.counts
    qs = Incident.objects.filter(reported_at__gte=period.start_dt, reported_at__lt=period.end_dt)
    names = dict(Category.objects.values_list("pk", "code"))
    labels = dict(Category.objects.values_list("code", "name"))
    per_category = {}
    for (category_id, status), n in counts["by_category_status"].items():
        if status in NOT_COUNTED:
            continue
        code = names.get(category_id)
        per_category[code] = per_category.get(code, 0) + n
    by_category = [
        {"code": code, "name": labels.get(code, code), "count": n}
        for code, n in sorted(per_category.items(), key=lambda kv: (-kv[1], labels.get(kv[0], "")))
    ]
    by_status = [
        {"code": code, "name": str(label), "count": counts["by_status"].get(code, 0)} for code, label in Status.choices
    ]
    population = kecamatan_population(year=period.year)
    overdue_figure = result["overdue_at_period_end"]
    overdue = overdue_list(at=min(now, period.end_dt), period_start=period.start_dt)
    received = result["reports_received"].value
    out = {
        "period": period.as_dict(),
        "period_info": result.period_dict(),
        "generated_at": now.isoformat(),
        "generated_display": fmt_datetime(now),
        "provisional": now < period.end_dt,
        "figures": result.as_list(),
        "totals": {
            "reports": received,
            "rejected_or_duplicate": result["reports_rejected_or_duplicate"].value,
            "open": result["reports_open"].value,
            "closed": received - result["reports_open"].value,
            "overdue": overdue_figure.value,
            "overdue_in_period": result["overdue_received_in_period"].value,
            "overdue_carried_over": result["overdue_carried_over"].value,
            "overdue_when": str(overdue_figure.extra["when"]),
        },
        "services": _services(result),
        "services_source": "spm",
        # The dashboard's trend chart of the year, up to the end of the period.
        "trend": trend(year=period.end.year, until=min(period.end, now.astimezone(WIB).date())),
        "services_scope": (
            period.label
            if period.kind != Kind.WEEKLY
            else _("%(month)s %(year)s (bulan berjalan)")
            % {"month": month_name(period.end.month), "year": period.end.year}
        ),
        "by_category": by_category,
        "by_status": by_status,
        "by_kecamatan": _by_kecamatan(result, population),
        "service_levels": _service_levels(result),
        "overdue": {
            "count": overdue_figure.value,
            "items": overdue["items"],
            "groups": overdue["groups"],
            "limit": overdue["limit"],
            "at": overdue_figure.extra["at"],
        },
        "fire_response": _fire_response(result),
        "action_plans": _action_plans(period),
        "corrections": _corrections(period, _previous_issue(period)),
        "notable": _notable(qs),
        # The SK and signatories in force, so page and PDF of this revision cite the same.
        "document": document_record(on=period.end),
    }
    return out

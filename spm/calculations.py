"""Every SPM figure is computed here, and only here (dashboard, API, export and
summaries all call these functions).

    capaian (%) = served / must_serve x 100           (None when must_serve is 0: "belum ada sasaran")
    mutu (%)    = sum of weights of the items met / sum of weights of the active items x 100
    indeks      = (w_penerima x min(capaian, 100) + w_mutu x mutu) / (w_penerima + w_mutu)

Report-based services (tibum, evakuasi-bencana, kebakaran) count the reports
created in the period, never those rejected or marked duplicate; for
kebakaran a report's served count counts only when the arrival on scene was
within the response-time standard. Activity-based services (info-bencana,
siaga-bencana) compare the people reached from 1 January to the end of the
period with the year's target (the e-SPM reports cumulative progress).

The kabupaten is always the sum of its rows (counts summed, then divided);
a target set for the whole kabupaten, without a kecamatan, is its own row.
The quality checklist is kabupaten-wide: the latest quarter assessed in the
year up to the period applies to every kecamatan.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.models import OPEN_STATUSES, Incident, Kecamatan, SpmService, Status

from .models import (
    FIRE_BUCKETS,
    FIRE_MINUTE_EDGES,
    FINISH_BUCKETS,
    HOUR_BUCKETS,
    HOUR_EDGES,
    Activity,
    PeriodAssessment,
    QualityItem,
    Service,
    SpmSettings,
    StatMonthly,
    StatOpenDue,
    Target,
)

WIB = ZoneInfo("Asia/Jakarta")
NOT_COUNTED = (Status.DITOLAK, Status.DUPLIKAT)
REPORT_SERVICES = (SpmService.TIBUM, SpmService.EVAKUASI_BENCANA, SpmService.KEBAKARAN)
ACTIVITY_SERVICES = (SpmService.INFO_BENCANA, SpmService.SIAGA_BENCANA)
MONTHS = ["Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober", "November", "Desember"]
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


class PeriodError(ValueError):
    """Bad period parameters; the message is for the user."""


@dataclass(frozen=True)
class Period:
    year: int
    quarter: int | None = None
    month: int | None = None

    @property
    def kind(self) -> str:
        return "month" if self.month else "quarter" if self.quarter else "year"

    @property
    def first_month(self) -> int:
        return self.month or ((self.quarter - 1) * 3 + 1 if self.quarter else 1)

    @property
    def last_month(self) -> int:
        return self.month or (self.quarter * 3 if self.quarter else 12)

    @property
    def start(self) -> date:
        return date(self.year, self.first_month, 1)

    @property
    def end(self) -> date:
        """Last day, inclusive."""
        return date(self.year, self.last_month, calendar.monthrange(self.year, self.last_month)[1])

    @property
    def quarter_of_end(self) -> int:
        return (self.last_month - 1) // 3 + 1

    @property
    def label(self) -> str:
        if self.month:
            return f"{_(MONTHS[self.month - 1])} {self.year}"
        if self.quarter:
            return _("Triwulan %(q)s %(y)s") % {"q": ROMAN[self.quarter], "y": self.year}
        return _("Tahun %(y)s") % {"y": self.year}

    def previous(self) -> Period:
        if self.month:
            return Period(self.year - 1, month=12) if self.month == 1 else Period(self.year, month=self.month - 1)
        if self.quarter:
            return Period(self.year - 1, quarter=4) if self.quarter == 1 else Period(self.year, quarter=self.quarter - 1)
        return Period(self.year - 1)

    def as_dict(self) -> dict:
        return {
            "year": self.year, "quarter": self.quarter, "month": self.month, "kind": self.kind,
            "start": self.start.isoformat(), "end": self.end.isoformat(), "label": self.label,
        }


def make_period(year, quarter=None, month=None) -> Period:
    try:
        year = int(year)
        quarter = int(quarter) if quarter not in (None, "") else None
        month = int(month) if month not in (None, "") else None
    except (TypeError, ValueError):
        raise PeriodError(_("Tahun, triwulan, dan bulan harus berupa angka."))
    if not 2015 <= year <= 2100:
        raise PeriodError(_("Tahun harus antara 2015 dan 2100."))
    if quarter is not None and month is not None:
        raise PeriodError(_("Pilih triwulan atau bulan, tidak keduanya."))
    if quarter is not None and not 1 <= quarter <= 4:
        raise PeriodError(_("Triwulan harus 1 sampai 4."))
    if month is not None and not 1 <= month <= 12:
        raise PeriodError(_("Bulan harus 1 sampai 12."))
    return Period(year, quarter, month)


def pct(part, whole) -> float | None:
    if not whole:
        return None
    return round(part * 100 / whole, 2)


def index_score(capaian, quality, w_recipients, w_quality) -> float | None:
    if capaian is None or quality is None or (w_recipients + w_quality) == 0:
        return None
    return round((w_recipients * min(capaian, 100.0) + w_quality * quality) / (w_recipients + w_quality), 2)


def band(value, settings_row: SpmSettings) -> str:
    """Traffic light for a percentage: hijau, kuning, merah, or abu (no figure)."""
    if value is None:
        return "abu"
    if value >= settings_row.band_green:
        return "hijau"
    if value >= settings_row.band_yellow:
        return "kuning"
    return "merah"


# --- inputs ------------------------------------------------------------------


def _report_counts(first_month: date, last_month: date, kecamatan: str | None) -> dict:
    """{(service, kecamatan): [must, served_ok]} from the monthly aggregates."""
    qs = StatMonthly.objects.filter(
        month__gte=first_month, month__lte=last_month, category__spm_service__in=REPORT_SERVICES
    ).exclude(status__in=NOT_COUNTED)
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
    out = {}
    for row in qs.values("category__spm_service", "kecamatan_id").annotate(m=Sum("spm_must"), s=Sum("spm_served_ok")):
        out[(row["category__spm_service"], row["kecamatan_id"])] = [row["m"] or 0, row["s"] or 0]
    return out


def _target_counts(year: int, kecamatan: str | None) -> dict:
    """{(service, kecamatan or None): value}. With a kecamatan filter, kabupaten-wide targets are left out."""
    qs = Target.objects.filter(year=year, service__code__in=ACTIVITY_SERVICES)
    qs = qs.filter(kecamatan_id=kecamatan) if kecamatan else qs
    out = {}
    for row in qs.values("service__code", "kecamatan_id").annotate(v=Sum("value")):
        out[(row["service__code"], row["kecamatan_id"])] = row["v"] or 0
    return out


def _activity_counts(year: int, until: date, kecamatan: str | None) -> dict:
    qs = Activity.objects.filter(service__code__in=ACTIVITY_SERVICES, date__gte=date(year, 1, 1), date__lte=until)
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
    out = {}
    for row in qs.values("service__code", "kecamatan_id").annotate(v=Sum("people_reached")):
        out[(row["service__code"], row["kecamatan_id"])] = row["v"] or 0
    return out


def quality_scores(year: int, up_to_quarter: int) -> dict:
    """{service: {"score", "year", "quarter", "items": [...]}} from the latest
    assessment of the year at or before `up_to_quarter`; score None when none."""
    items_by_service: dict[str, list] = {}
    for item in QualityItem.objects.filter(active=True).select_related("service"):
        items_by_service.setdefault(item.service.code, []).append(item)
    latest = {}
    assessments = (
        PeriodAssessment.objects.filter(year=year, quarter__lte=up_to_quarter)
        .select_related("service")
        .prefetch_related("checks")
        .order_by("service_id", "-quarter")
    )
    for a in assessments:
        latest.setdefault(a.service.code, a)
    out = {}
    for code in SpmService.values:
        items = items_by_service.get(code, [])
        assessment = latest.get(code)
        if assessment is None or not items:
            out[code] = {"score": None, "year": None, "quarter": None, "items": [
                {"code": i.code, "name": i.name, "weight": i.weight, "met": None} for i in items
            ]}
            continue
        met = {c.item_id: c for c in assessment.checks.all()}
        total = sum(i.weight for i in items)
        got = sum(i.weight for i in items if i.pk in met and met[i.pk].met)
        out[code] = {
            "score": pct(got, total),
            "year": assessment.year,
            "quarter": assessment.quarter,
            "assessment_id": assessment.pk,
            "items": [
                {
                    "code": i.code, "name": i.name, "weight": i.weight,
                    "met": bool(i.pk in met and met[i.pk].met), "note": met[i.pk].note if i.pk in met else "",
                }
                for i in items
            ],
        }
    return out


# --- achievements ----------------------------------------------------------------


def _kecamatan_list(kecamatan: str | None):
    qs = Kecamatan.objects.all()
    if kecamatan:
        qs = qs.filter(code=kecamatan)
    return list(qs.values_list("code", "name"))


def _services():
    return list(Service.objects.order_by("sort_order", "code"))


def _compute(period: Period, kecamatan: str | None, *, services, kecamatan_rows, settings_row, quality) -> list[dict]:
    first, last = period.start, date(period.year, period.last_month, 1)
    reports = _report_counts(first, last, kecamatan)
    targets = _target_counts(period.year, kecamatan)
    activities = _activity_counts(period.year, period.end, kecamatan)
    out = []
    for service in services:
        rows = []
        if service.from_reports:
            for code, name in kecamatan_rows:
                must, served = reports.get((service.code, code), [0, 0])
                rows.append({"code": code, "name": name, "must_serve": must, "served": served})
        else:
            for code, name in kecamatan_rows:
                rows.append({
                    "code": code, "name": name,
                    "must_serve": targets.get((service.code, code), 0),
                    "served": activities.get((service.code, code), 0),
                })
            if not kecamatan and (service.code, None) in targets:
                rows.append({
                    "code": None, "name": _("Tingkat kabupaten (tanpa rincian kecamatan)"),
                    "must_serve": targets[(service.code, None)], "served": 0,
                })
        q = quality.get(service.code, {}).get("score")
        for row in rows:
            row["capaian"] = pct(row["served"], row["must_serve"])
            row["index"] = index_score(row["capaian"], q, service.weight_recipients, service.weight_quality)
            row["band"] = band(row["index"] if row["index"] is not None else row["capaian"], settings_row)
        must = sum(r["must_serve"] for r in rows)
        served = sum(r["served"] for r in rows)
        capaian = pct(served, must)
        idx = index_score(capaian, q, service.weight_recipients, service.weight_quality)
        out.append({
            "code": service.code,
            "name": service.name,
            "short_name": service.short_name,
            "lead_agency": service.lead_agency,
            "legal_basis": service.legal_basis,
            "source": service.source,
            "must_serve_label": service.must_serve_label,
            "served_label": service.served_label,
            "must_serve": must,
            "served": served,
            "capaian": capaian,
            "quality": q,
            "index": idx,
            "band": band(idx if idx is not None else capaian, settings_row),
            "weights": {"recipients": service.weight_recipients, "quality": service.weight_quality},
            "by_kecamatan": rows,
        })
    return out


def achievements(*, year, quarter=None, month=None, kecamatan=None) -> dict:
    """The SPM figures of a period, shaped exactly like the API answer.

    Raises PeriodError for a bad period and Kecamatan.DoesNotExist for an unknown code."""
    period = make_period(year, quarter, month)
    kecamatan = kecamatan or None
    kecamatan_obj = None
    if kecamatan:
        kecamatan_obj = Kecamatan.objects.get(code=kecamatan)
    settings_row = SpmSettings.get()
    services = _services()
    kecamatan_rows = _kecamatan_list(kecamatan)
    quality = quality_scores(period.year, period.quarter_of_end)
    current = _compute(period, kecamatan, services=services, kecamatan_rows=kecamatan_rows,
                       settings_row=settings_row, quality=quality)
    prev_period = period.previous()
    prev_quality = quality_scores(prev_period.year, prev_period.quarter_of_end)
    previous = {
        s["code"]: s
        for s in _compute(prev_period, kecamatan, services=services, kecamatan_rows=kecamatan_rows,
                          settings_row=settings_row, quality=prev_quality)
    }
    for s in current:
        p = previous.get(s["code"], {})
        s["previous"] = {"capaian": p.get("capaian"), "index": p.get("index")}
        s["change"] = (
            round(s["capaian"] - p["capaian"], 2) if s["capaian"] is not None and p.get("capaian") is not None else None
        )
        s["quality_items"] = quality.get(s["code"], {}).get("items", [])
        s["quality_period"] = (
            {"year": quality[s["code"]]["year"], "quarter": quality[s["code"]]["quarter"]}
            if quality.get(s["code"], {}).get("quarter") else None
        )
    return {
        "period": period.as_dict(),
        "previous_period": prev_period.as_dict(),
        "kecamatan": {"code": kecamatan_obj.code, "name": kecamatan_obj.name} if kecamatan_obj else None,
        "fire_response_minutes": SpmSettings.get().fire_response_minutes,
        "bands": {"green": settings_row.band_green, "yellow": settings_row.band_yellow},
        "services": current,
    }


def trend(*, year: int, kecamatan: str | None = None, until: date | None = None) -> dict:
    """Capaian per service per month of `year` (activity services cumulative from January).

    Months after `until` (default: today) are None."""
    until = until or timezone.localdate()
    services = _services()
    reports = {}
    qs = StatMonthly.objects.filter(
        month__gte=date(year, 1, 1), month__lte=date(year, 12, 1), category__spm_service__in=REPORT_SERVICES
    ).exclude(status__in=NOT_COUNTED)
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
    for row in qs.values("month", "category__spm_service").annotate(m=Sum("spm_must"), s=Sum("spm_served_ok")):
        reports[(row["category__spm_service"], row["month"].month)] = (row["m"] or 0, row["s"] or 0)
    targets = {}
    for (code, _kec), value in _target_counts(year, kecamatan).items():
        targets[code] = targets.get(code, 0) + value
    acts = {}
    aqs = Activity.objects.filter(service__code__in=ACTIVITY_SERVICES, date__year=year)
    if kecamatan:
        aqs = aqs.filter(kecamatan_id=kecamatan)
    for row in aqs.values("service__code", "date__month").annotate(v=Sum("people_reached")):
        acts[(row["service__code"], row["date__month"])] = row["v"] or 0
    out = []
    for service in services:
        values, running = [], 0
        for m in range(1, 13):
            if date(year, m, 1) > until:
                values.append(None)
                continue
            if service.from_reports:
                must, served = reports.get((service.code, m), (0, 0))
                values.append(pct(served, must))
            else:
                running += acts.get((service.code, m), 0)
                values.append(pct(running, targets.get(service.code, 0)))
        out.append({"code": service.code, "name": service.short_name, "values": values})
    return {"year": year, "months": [_(m)[:3] for m in MONTHS], "services": out}


# --- report figures ------------------------------------------------------------------


def median_from_histogram(counts: list[int], edges) -> tuple[float | None, bool]:
    """(median, open_ended): linear interpolation inside the bucket holding the
    middle report. open_ended means it lies in the last bucket (beyond the
    last edge), where only the lower bound is known."""
    total = sum(counts)
    if not total:
        return None, False
    half = total / 2
    seen = 0
    lower = 0.0
    for i, count in enumerate(counts):
        upper = edges[i] if i < len(edges) else None
        if count and seen + count >= half:
            if upper is None:
                return float(lower), True
            return round(lower + (upper - lower) * (half - seen) / count, 2), False
        seen += count
        lower = upper if upper is not None else lower
    return float(lower), True


def _period_bounds(period: Period):
    return date(period.year, period.first_month, 1), date(period.year, period.last_month, 1)


def report_figures(*, year, quarter=None, month=None, kecamatan=None, now: datetime | None = None) -> dict:
    """Report counts and service levels of a period, from the aggregates."""
    period = make_period(year, quarter, month)
    first, last = _period_bounds(period)
    qs = StatMonthly.objects.filter(month__gte=first, month__lte=last)
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
    by_cat_status = {}
    for row in qs.values("category_id", "status").annotate(n=Sum("n")):
        if row["n"]:
            by_cat_status[(row["category_id"], row["status"])] = row["n"]
    by_kecamatan = {}
    for row in qs.exclude(status__in=NOT_COUNTED).values("kecamatan_id").annotate(n=Sum("n")):
        by_kecamatan[row["kecamatan_id"]] = row["n"] or 0
    sums = {name: Sum(name) for name in [
        "n", "verified", "verify_seconds", "verify_in_sla", "resolved", "finish_seconds", "finish_in_sla",
        "fire_n", "fire_arrived", "fire_on_time", "fire_seconds", *HOUR_BUCKETS, *FINISH_BUCKETS, *FIRE_BUCKETS,
    ]}
    totals = {k: (v or 0) for k, v in qs.exclude(status__in=NOT_COUNTED).aggregate(**sums).items()}
    verify_median, verify_open = median_from_histogram([totals[b] for b in HOUR_BUCKETS], HOUR_EDGES)
    finish_median, finish_open = median_from_histogram([totals[b] for b in FINISH_BUCKETS], HOUR_EDGES)
    fire_median, fire_open = median_from_histogram([totals[b] for b in FIRE_BUCKETS], FIRE_MINUTE_EDGES)
    edges_fire = [0, *FIRE_MINUTE_EDGES]
    fire_buckets = [
        {
            "from": edges_fire[i], "to": FIRE_MINUTE_EDGES[i] if i < len(FIRE_MINUTE_EDGES) else None,
            "count": totals[b],
        }
        for i, b in enumerate(FIRE_BUCKETS)
    ]
    return {
        "period": period.as_dict(),
        "total": totals["n"],
        "by_category_status": by_cat_status,
        "by_kecamatan": by_kecamatan,
        "verify": {
            "count": totals["verified"],
            "median_hours": verify_median, "median_open_ended": verify_open,
            "average_hours": round(totals["verify_seconds"] / totals["verified"] / 3600, 2) if totals["verified"] else None,
            "within_sla": totals["verify_in_sla"], "within_sla_pct": pct(totals["verify_in_sla"], totals["verified"]),
        },
        "finish": {
            "count": totals["resolved"],
            "median_hours": finish_median, "median_open_ended": finish_open,
            "average_hours": round(totals["finish_seconds"] / totals["resolved"] / 3600, 2) if totals["resolved"] else None,
            "within_sla": totals["finish_in_sla"], "within_sla_pct": pct(totals["finish_in_sla"], totals["resolved"]),
        },
        "fire": {
            "count": totals["fire_n"], "arrived": totals["fire_arrived"], "no_arrival": totals["fire_n"] - totals["fire_arrived"],
            "on_time": totals["fire_on_time"], "on_time_pct": pct(totals["fire_on_time"], totals["fire_n"]),
            "median_minutes": fire_median, "median_open_ended": fire_open,
            "average_minutes": round(totals["fire_seconds"] / totals["fire_arrived"] / 60, 1) if totals["fire_arrived"] else None,
            "buckets": fire_buckets,
        },
        "overdue": overdue_backlog(kecamatan=kecamatan, now=now),
    }


def overdue_backlog(*, kecamatan=None, now: datetime | None = None) -> dict:
    """Open reports past their running deadline right now: whole past hours
    from the aggregate, the current hour read live (a small indexed range)."""
    now = now or timezone.now()
    floor = now.replace(minute=0, second=0, microsecond=0)
    qs = StatOpenDue.objects.filter(due_hour__lt=floor, n__gt=0)
    live = Incident.objects.filter(due_at__gte=floor, due_at__lt=now, status__in=OPEN_STATUSES)
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
        live = live.filter(kecamatan_id=kecamatan)
    by_status = {s: 0 for s in OPEN_STATUSES}
    for row in qs.values("status").annotate(n=Sum("n")):
        by_status[row["status"]] = by_status.get(row["status"], 0) + (row["n"] or 0)
    for row in live.values_list("status", flat=True):
        by_status[row] = by_status.get(row, 0) + 1
    return {"total": sum(by_status.values()), "by_status": {str(k): v for k, v in by_status.items()}}


# --- straight from the reports table (benchmark and tests only) ---------------------


def achievements_from_raw(*, year, quarter=None, month=None, kecamatan=None, fire_minutes: int | None = None) -> dict:
    """Must-serve and served per report-based service, computed from the
    reports table; the rollup must give the same numbers."""
    period = make_period(year, quarter, month)
    start = datetime.combine(period.start, time.min, tzinfo=WIB)
    end = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=WIB)
    fire_minutes = fire_minutes or SpmSettings.get().fire_response_minutes
    qs = Incident.objects.filter(created_at__gte=start, created_at__lt=end).exclude(status__in=NOT_COUNTED)
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
    out = {}
    for code in REPORT_SERVICES:
        sub = qs.filter(category__spm_service=code)
        must = sub.aggregate(v=Sum("spm_must_serve"))["v"] or 0
        if code == SpmService.KEBAKARAN:
            served = 0
            for reported, arrived, value in sub.filter(arrived_at__isnull=False, spm_served__gt=0).values_list(
                "reported_at", "arrived_at", "spm_served"
            ):
                if (arrived - reported).total_seconds() <= fire_minutes * 60:
                    served += value
        else:
            served = sub.aggregate(v=Sum("spm_served"))["v"] or 0
        out[str(code)] = {"must_serve": must, "served": served}
    return out


def report_total_from_raw(*, year, quarter=None, month=None, kecamatan=None) -> int:
    period = make_period(year, quarter, month)
    start = datetime.combine(period.start, time.min, tzinfo=WIB)
    end = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=WIB)
    qs = Incident.objects.filter(created_at__gte=start, created_at__lt=end).exclude(status__in=NOT_COUNTED)
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
    return qs.count()


__all__ = [
    "Period", "PeriodError", "achievements", "band", "index_score", "make_period", "median_from_histogram",
    "overdue_backlog", "pct", "quality_scores", "report_figures", "trend",
]

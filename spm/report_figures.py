"""Report counts and service levels of a period for /dasbor/, from the
aggregates (spm/rollup.py), never the reports table; and the same figures
straight from the reports table, for the benchmark and the tests that hold
the aggregates to them."""

from datetime import date, datetime, time, timedelta

from django.db.models import Count, Sum
from django.utils import timezone

from incidents.models import OPEN_STATUSES, Incident, SpmService

from .calculations import NOT_COUNTED, REPORT_SERVICES, WIB, Period, make_period, pct
from .models import (
    FINISH_BUCKETS,
    FIRE_BUCKETS,
    FIRE_MINUTE_EDGES,
    HOUR_BUCKETS,
    HOUR_EDGES,
    SpmSettings,
    StatDaily,
    StatMonthly,
    StatOpenDue,
)


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


def _service_level(totals, count, seconds, in_sla, buckets) -> dict:
    """Verification or resolution: how many, how long (median from the hour histogram), how many in time."""
    n = totals[count]
    median, open_ended = median_from_histogram([totals[b] for b in buckets], HOUR_EDGES)
    return {
        "count": n,
        "median_hours": median,
        "median_open_ended": open_ended,
        "average_hours": round(totals[seconds] / n / 3600, 2) if n else None,
        "within_sla": totals[in_sla],
        "within_sla_pct": pct(totals[in_sla], n),
    }


def report_figures(*, year, quarter=None, month=None, kecamatan=None, now: datetime | None = None) -> dict:
    """Report counts and service levels of a period, from the aggregates."""
    period = make_period(year, quarter, month)
    first, last = _period_bounds(period)
    qs = StatMonthly.objects.filter(month__gte=first, month__lte=last)
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
    names = [
        "n",
        "verified",
        "verify_seconds",
        "verify_in_sla",
        "resolved",
        "finish_seconds",
        "finish_in_sla",
        "fire_n",
        "fire_arrived",
        "fire_on_time",
        "fire_seconds",
        *HOUR_BUCKETS,
        *FINISH_BUCKETS,
        *FIRE_BUCKETS,
    ]
    by_cat_status = {}
    totals = dict.fromkeys(names, 0)
    for row in qs.values("category_id", "status").annotate(**{f"s_{name}": Sum(name) for name in names}):
        n = row["s_n"] or 0
        if n:
            by_cat_status[(row["category_id"], row["status"])] = n
        if row["status"] in NOT_COUNTED:
            continue
        for name in names:
            totals[name] += row[f"s_{name}"] or 0
    by_kecamatan = {
        row["kecamatan_id"]: row["n"] or 0
        for row in qs.exclude(status__in=NOT_COUNTED).values("kecamatan_id").annotate(n=Sum("n"))
    }
    fire_median, fire_open = median_from_histogram([totals[b] for b in FIRE_BUCKETS], FIRE_MINUTE_EDGES)
    edges_fire = [0, *FIRE_MINUTE_EDGES]
    fire_buckets = [
        {
            "from": edges_fire[i],
            "to": FIRE_MINUTE_EDGES[i] if i < len(FIRE_MINUTE_EDGES) else None,
            "count": totals[b],
        }
        for i, b in enumerate(FIRE_BUCKETS)
    ]
    return {
        "period": period.as_dict(),
        "total": totals["n"],
        "by_category_status": by_cat_status,
        "by_kecamatan": by_kecamatan,
        "verify": _service_level(totals, "verified", "verify_seconds", "verify_in_sla", HOUR_BUCKETS),
        "finish": _service_level(totals, "resolved", "finish_seconds", "finish_in_sla", FINISH_BUCKETS),
        "fire": {
            "count": totals["fire_n"],
            "arrived": totals["fire_arrived"],
            "no_arrival": totals["fire_n"] - totals["fire_arrived"],
            "on_time": totals["fire_on_time"],
            "on_time_pct": pct(totals["fire_on_time"], totals["fire_n"]),
            "median_minutes": fire_median,
            "median_open_ended": fire_open,
            "average_minutes": round(totals["fire_seconds"] / totals["fire_arrived"] / 60, 1)
            if totals["fire_arrived"]
            else None,
            "buckets": fire_buckets,
        },
        "overdue": overdue_backlog(kecamatan=kecamatan, now=now),
    }


def overdue_backlog(*, kecamatan=None, now: datetime | None = None) -> dict:
    """Open reports past their running deadline right now: earlier deadline
    days from the aggregate, today's read live (one day of the due-time index)."""
    now = now or timezone.now()
    today = now.astimezone(WIB).date()
    start_of_today = datetime.combine(today, time.min, tzinfo=WIB)
    qs = StatOpenDue.objects.filter(due_day__lt=today, n__gt=0)
    live = Incident.objects.filter(due_at__gte=start_of_today, due_at__lt=now, status__in=OPEN_STATUSES)
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
        live = live.filter(kecamatan_id=kecamatan)
    by_status = {s: 0 for s in OPEN_STATUSES}
    for row in qs.values("status").annotate(n=Sum("n")):
        by_status[row["status"]] = by_status.get(row["status"], 0) + (row["n"] or 0)
    for row in live.values("status").annotate(n=Count("id")):
        by_status[row["status"]] = by_status.get(row["status"], 0) + row["n"]
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


def reports_by_desa(*, period: Period, kecamatan: str) -> dict[str, int]:
    """Reports per desa of one kecamatan in the period (rejected and duplicates not counted)."""
    qs = StatDaily.objects.filter(kecamatan_id=kecamatan, day__gte=period.start, day__lte=period.end).exclude(
        status__in=NOT_COUNTED
    )
    return {row["desa_id"]: row["n"] or 0 for row in qs.values("desa_id").annotate(n=Sum("n"))}

"""Report counts and service levels of the reports received in a range of
days, from the aggregates (spm/rollup.py), never the reports table; and the
same figures straight from the reports table, for the benchmark and the tests
that hold the aggregates to them. spm/figures.py turns them into the figures
every page and document shows."""

from datetime import date, datetime, time, timedelta
from functools import lru_cache

from django.db import connection
from django.db.models import Sum

from incidents.models import OPEN_STATUSES, Incident, SpmService

from .aggregates import (
    FINISH_BUCKETS,
    FIRE_BUCKETS,
    FIRE_MINUTE_EDGES,
    HOUR_BUCKETS,
    HOUR_EDGES,
    MEASURES,
    StatDaily,
    StatMonthly,
    StatMonthlyDesa,
)
from .calculations import NOT_COUNTED, REPORT_SERVICES, WIB, Period, make_period, pct
from .rollup import fire_standards


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


def _whole_months(start: date, end: date) -> bool:
    return start.day == 1 and (end + timedelta(days=1)).day == 1


def _aggregate_rows(*, start: date, end: date, kecamatan=None):
    """The aggregate rows of [start, end] (inclusive days): the monthly table when
    the range is whole months, else the daily one (a week, a running month)."""
    if _whole_months(start, end):
        qs = StatMonthly.objects.filter(month__gte=start, month__lte=end)
    else:
        qs = StatDaily.objects.filter(day__gte=start, day__lte=end)
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
    return qs


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


# What report_counts sums: every measure but the SPM service counts (spm_*),
# which the achievements read on their own.
MEASURE_NAMES = [name for name in MEASURES if not name.startswith("spm_")]


@lru_cache(maxsize=8)
def _grouped_sql(vendor: str, whole_months: bool, by_kecamatan: bool) -> str:
    """The statement report_counts runs: one row per category, status and
    kecamatan with every measure summed, its parameters the first and last day
    (then the kecamatan). The ORM writes it once per shape of range; writing
    its forty sums costs more than running it."""
    day = date(2000, 1, 1)
    qs = _aggregate_rows(
        start=day, end=date(2000, 1, 31) if whole_months else day, kecamatan="-" if by_kecamatan else None
    )
    grouped = qs.values("category_id", "status", "kecamatan_id").annotate(
        **{f"s_{name}": Sum(name) for name in MEASURE_NAMES}
    )
    sql, params = grouped.query.sql_with_params()
    if len(params) != 2 + by_kecamatan:
        raise ValueError(f"report_counts: unexpected parameters {params!r}")
    return sql


def report_counts(*, start: date, end: date, kecamatan=None) -> dict:
    """Report counts and service levels of the reports received in [start, end],
    from the aggregates (never the reports table). Rejected and duplicate
    reports are left out of every total and counted on their own."""
    by_cat_status = {}
    by_status = {}
    by_kecamatan = {}
    totals = dict.fromkeys(MEASURE_NAMES, 0)
    sql = _grouped_sql(connection.vendor, _whole_months(start, end), bool(kecamatan))
    params = [connection.ops.adapt_datefield_value(start), connection.ops.adapt_datefield_value(end)]
    if kecamatan:
        params.append(kecamatan)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    counted = []
    for row in rows:
        category_id, status, kecamatan_id, n = row[0], row[1], row[2], int(row[3] or 0)
        if n:
            key = (category_id, status)
            by_cat_status[key] = by_cat_status.get(key, 0) + n
            by_status[status] = by_status.get(status, 0) + n
        if status in NOT_COUNTED:
            continue
        by_kecamatan[kecamatan_id] = by_kecamatan.get(kecamatan_id, 0) + n
        counted.append(row)
    # Each measure summed over the counted rows, column by column (a year has
    # hundreds of rows of dozens of measures). PostgreSQL sums a bigint column
    # as numeric: counters are whole numbers. No rows: no columns, totals stay 0.
    for name, column in zip(MEASURE_NAMES, list(zip(*counted, strict=True))[3:], strict=False):
        totals[name] = int(sum(filter(None, column)))
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
        "total": totals["n"],
        "not_counted": sum(by_status.get(s, 0) for s in NOT_COUNTED),
        "open": sum(by_status.get(s, 0) for s in OPEN_STATUSES),
        "by_status": by_status,
        "by_category_status": by_cat_status,
        "by_kecamatan": by_kecamatan,
        "verify": _service_level(totals, "verified", "verify_seconds", "verify_in_sla", HOUR_BUCKETS),
        "finish": _service_level(totals, "resolved", "finish_seconds", "finish_in_sla", FINISH_BUCKETS),
        "fire": {
            "count": totals["fire_n"],
            "arrived": totals["fire_arrived"],
            "no_arrival": totals["fire_n"] - totals["fire_arrived"],
            "seconds": totals["fire_seconds"],
            "on_time": totals["fire_on_time"],
            "average_minutes": round(totals["fire_seconds"] / totals["fire_arrived"] / 60, 1)
            if totals["fire_arrived"]
            else None,
            "buckets": fire_buckets,
        },
        "entered_late": {k: totals[f"late_{k}"] for k in ("month", "quarter", "year")},
    }


# --- straight from the reports table (benchmark and tests only) ---------------------


def achievements_from_raw(*, year, quarter=None, month=None, kecamatan=None, fire_minutes: int | None = None) -> dict:
    """Must-serve and served per report-based service, computed from the
    reports table; the rollup must give the same numbers."""
    period = make_period(year, quarter, month)
    start = datetime.combine(period.start, time.min, tzinfo=WIB)
    end = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=WIB)
    standards = fire_standards()
    qs = Incident.objects.filter(reported_at__gte=start, reported_at__lt=end).exclude(status__in=NOT_COUNTED)
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
    out = {}
    for code in REPORT_SERVICES:
        sub = qs.filter(category__spm_service=code)
        must = sub.aggregate(v=Sum("spm_must_serve"))["v"] or 0
        if code == SpmService.KEBAKARAN:
            served = 0
            for reported, arrived, value, category in sub.filter(
                arrived_at__isnull=False, spm_served__gt=0
            ).values_list("reported_at", "arrived_at", "spm_served", "category_id"):
                minutes = fire_minutes or standards.get(category)
                if minutes and (arrived - reported).total_seconds() <= minutes * 60:
                    served += value
        else:
            served = sub.aggregate(v=Sum("spm_served"))["v"] or 0
        out[str(code)] = {"must_serve": must, "served": served}
    return out


def report_total_from_raw(*, year, quarter=None, month=None, kecamatan=None) -> int:
    period = make_period(year, quarter, month)
    start = datetime.combine(period.start, time.min, tzinfo=WIB)
    end = datetime.combine(period.end + timedelta(days=1), time.min, tzinfo=WIB)
    qs = Incident.objects.filter(reported_at__gte=start, reported_at__lt=end).exclude(status__in=NOT_COUNTED)
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
    return qs.count()


def reports_by_desa(*, period: Period, kecamatan: str) -> dict[str, int]:
    """Reports per desa of one kecamatan in the period (rejected and duplicates not counted)."""
    qs = StatMonthlyDesa.objects.filter(kecamatan_id=kecamatan, month__gte=period.start, month__lte=period.end).exclude(
        status__in=NOT_COUNTED
    )
    return {row["desa_id"]: row["n"] or 0 for row in qs.values("desa_id").annotate(n=Sum("n"))}

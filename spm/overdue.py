"""Overdue reports as at a moment: the end of a closed period, or now.

A report is overdue at moment E when, at E, it had been received, was still
open (not closed, or closed only after E) and the deadline that applied at E
had passed: the verification deadline while it was not verified by E, the
follow-up deadline once it was. Rejected and duplicate reports are not
counted (as everywhere else). Days overdue are measured to E, so a closed
period's document never changes with the day it is printed.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Case, Count, F, Q, Sum, Value, When
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from incidents.models import OPEN_STATUSES, Assignment, Incident, Status

from . import statements
from .aggregates import OverdueSnapshot, OverdueSnapshotRun, StatOpenDue
from .calculations import NOT_COUNTED, WIB
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


def _month_start(value: datetime) -> date:
    return value.astimezone(WIB).date().replace(day=1)


def _is_month_start(value: datetime) -> bool:
    local = value.astimezone(WIB)
    return local.day == 1 and local.time() == time.min


def snapshot_take(at: datetime) -> None:
    """Count the reports overdue at `at` (per kecamatan and month received)
    once and keep the counts. Safe to run twice or concurrently."""
    if OverdueSnapshotRun.objects.filter(at=at).exists():
        return
    rows = (
        _base(at, None)
        .annotate(received=TruncMonth("reported_at", tzinfo=WIB))
        .values("kecamatan_id", "received")
        .annotate(open_n=Count("id"), overdue_n=Count("id", filter=_overdue_at(at)))
    )
    with transaction.atomic():
        OverdueSnapshot.objects.bulk_create(
            [
                OverdueSnapshot(
                    at=at,
                    kecamatan_id=r["kecamatan_id"],
                    received_month=r["received"].date() if isinstance(r["received"], datetime) else r["received"],
                    overdue=r["overdue_n"],
                    open=r["open_n"],
                )
                for r in rows
            ],
            ignore_conflicts=True,
        )
        OverdueSnapshotRun.objects.get_or_create(at=at)


def _from_snapshot(at: datetime, period_start: datetime, kecamatan) -> Overdue:
    snapshot_take(at)
    qs = OverdueSnapshot.objects.filter(at=at)
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
    first = _month_start(period_start)
    row = qs.aggregate(
        open_total=Sum("open"),
        in_period=Sum("overdue", filter=Q(received_month__gte=first)),
        carried_over=Sum("overdue", filter=Q(received_month__lt=first)),
    )
    return Overdue(
        at=at,
        in_period=row["in_period"] or 0,
        carried_over=row["carried_over"] or 0,
        open_total=row["open_total"] or 0,
    )


def _start_of_day(now: datetime) -> datetime:
    return datetime.combine(now.astimezone(WIB).date(), time.min, tzinfo=WIB)


def _live_today(now: datetime, kecamatan, start_of_today: datetime | None = None):
    """Open reports whose running deadline falls today and has passed: read
    live (the aggregate holds whole days)."""
    start_of_today = start_of_today or _start_of_day(now)
    qs = Incident.objects.filter(due_at__gte=start_of_today, due_at__lt=now, status__in=OPEN_STATUSES)
    return qs.filter(kecamatan_id=kecamatan) if kecamatan else qs


def _one_row(qs, **aggregates):
    """qs.aggregate(**aggregates) as a queryset of one row (a constant first,
    then the aggregates in order), for statements.rows."""
    return qs.order_by().annotate(_one=Value(1)).values_list("_one").annotate(**aggregates)


def _open_due_running(*, today: date, first: date, kecamatan=None):
    """The open-deadline aggregate of a running period from month `first`: every
    open report, and those past a deadline day before today, received in the
    period or before it, and those not verified."""
    qs = StatOpenDue.objects.all()
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
    past = Q(due_day__lt=today)
    mine = Q(received_month__gte=first)  # the period runs to now: no later month exists
    return _one_row(
        qs,
        open_total=Sum("n"),
        in_period=Sum("n", filter=past & mine),
        carried_over=Sum("n", filter=past & ~mine),
        verify=Sum("n", filter=past & mine & Q(status=Status.BARU)),
    )


def _live_running(*, start_of_today: datetime, now: datetime, start: datetime, kecamatan=None):
    """Today's passed deadlines, received in the period (or before it; not verified)."""
    return _one_row(
        _live_today(now, kecamatan, start_of_today),
        in_period=Count("id", filter=Q(reported_at__gte=start)),
        carried_over=Count("id", filter=Q(reported_at__lt=start)),
        verify=Count("id", filter=Q(reported_at__gte=start, status=Status.BARU)),
    )


def _from_aggregate(now: datetime, period_start: datetime, kecamatan) -> Overdue:
    """Now: the open-deadline aggregate (earlier deadline days) plus today's, read live."""
    today = now.astimezone(WIB).date()
    qs = StatOpenDue.objects.all()
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
    first = _month_start(period_start)
    row = qs.aggregate(
        open_total=Sum("n"),
        in_period=Sum("n", filter=Q(due_day__lt=today, received_month__gte=first)),
        carried_over=Sum("n", filter=Q(due_day__lt=today, received_month__lt=first)),
    )
    live = _live_today(now, kecamatan).aggregate(
        in_period=Count("id", filter=Q(reported_at__gte=period_start)),
        carried_over=Count("id", filter=Q(reported_at__lt=period_start)),
    )
    return Overdue(
        at=now,
        in_period=(row["in_period"] or 0) + live["in_period"],
        carried_over=(row["carried_over"] or 0) + live["carried_over"],
        open_total=row["open_total"] or 0,
    )


def _from_reports(at: datetime, period_start: datetime, kecamatan) -> Overdue:
    row = _base(at, kecamatan).aggregate(
        open_total=Count("id"),
        in_period=Count("id", filter=_overdue_at(at) & Q(reported_at__gte=period_start)),
        carried_over=Count("id", filter=_overdue_at(at) & Q(reported_at__lt=period_start)),
    )
    return Overdue(at=at, in_period=row["in_period"], carried_over=row["carried_over"], open_total=row["open_total"])


def overdue_at(*, at: datetime, period_start: datetime, kecamatan: str | None = None, now=None) -> Overdue:
    """Overdue as at `at`: the end of a closed period (its snapshot), or now
    (the open-deadline aggregate). The three ways count the same thing:
    tests/spm/test_overdue.py holds them to each other."""
    now = now or timezone.now()
    if at < now and at.astimezone(WIB).time() == time.min:
        return _from_snapshot(at, period_start, kecamatan)
    if at >= now and _is_month_start(period_start):
        return _from_aggregate(now, period_start, kecamatan)
    return _from_reports(at, period_start, kecamatan)


def late_open(*, start: datetime, end: datetime, now: datetime, kecamatan: str | None = None) -> dict:
    """Reports received in [start, end), still open now and past the deadline
    they have not met: {"verify": not verified, "followup": verified}."""
    if not (_is_month_start(start) and _is_month_start(end)):
        qs = Incident.objects.filter(reported_at__gte=start, reported_at__lt=end, status__in=OPEN_STATUSES)
        if kecamatan:
            qs = qs.filter(kecamatan_id=kecamatan)
        return qs.aggregate(
            verify=Count("id", filter=Q(verified_at__isnull=True, verify_due_at__lt=now)),
            followup=Count("id", filter=Q(verified_at__isnull=False, followup_due_at__lt=now)),
        )
    today = now.astimezone(WIB).date()
    last_month = (end.astimezone(WIB) - timedelta(days=1)).date().replace(day=1)
    qs = StatOpenDue.objects.filter(
        due_day__lt=today, received_month__gte=_month_start(start), received_month__lte=last_month
    )
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
    row = qs.aggregate(
        verify=Sum("n", filter=Q(status=Status.BARU)),
        followup=Sum("n", filter=~Q(status=Status.BARU)),
    )
    live = (
        _live_today(now, kecamatan)
        .filter(reported_at__gte=start, reported_at__lt=end)
        .aggregate(
            verify=Count("id", filter=Q(status=Status.BARU)),
            followup=Count("id", filter=~Q(status=Status.BARU)),
        )
    )
    return {"verify": (row["verify"] or 0) + live["verify"], "followup": (row["followup"] or 0) + live["followup"]}


def backlog(*, start: datetime, end: datetime, now: datetime, kecamatan: str | None = None) -> tuple[Overdue, dict]:
    """(overdue as at min(now, end), late_open of [start, end)) together: for a
    running period of whole months both come from one read of the
    open-deadline aggregate and one of today's deadlines."""
    running = now < end
    if not (running and _is_month_start(start) and _is_month_start(end)):
        overdue = overdue_at(at=min(now, end), period_start=start, kecamatan=kecamatan, now=now)
        return overdue, late_open(start=start, end=end, now=now, kecamatan=kecamatan)
    # Both statements are written once per shape (spm/statements.py): they run on every dashboard request.
    by_kecamatan = {"kecamatan": kecamatan} if kecamatan else {}
    ((_one, open_total, in_period, carried_over, verify),) = statements.rows(
        ("overdue-open-due", bool(kecamatan)),
        _open_due_running,
        today=now.astimezone(WIB).date(),
        first=_month_start(start),
        **by_kecamatan,
    )
    ((_one, live_in_period, live_carried_over, live_verify),) = statements.rows(
        ("overdue-live", bool(kecamatan)),
        _live_running,
        start_of_today=_start_of_day(now),
        now=now,
        start=start,
        **by_kecamatan,
    )
    in_period = int(in_period or 0) + int(live_in_period)
    overdue = Overdue(
        at=now,
        in_period=in_period,
        carried_over=int(carried_over or 0) + int(live_carried_over),
        open_total=int(open_total or 0),
    )
    verify = int(verify or 0) + int(live_verify)
    # Overdue reports of the period are either not verified (verification late) or verified (follow-up late).
    return overdue, {"verify": verify, "followup": in_period - verify}


def report_item(incident) -> dict:
    """How a summary lists a report (stored with its figures): code, category, place, status."""
    return {
        "id": incident.pk,
        "tracking_code": incident.tracking_code,
        "category_code": incident.category.code,
        "category": incident.category.name,
        "kecamatan": incident.kecamatan.name,
        "desa": incident.desa.name,
        "status": incident.status,
        "status_label": str(Status(incident.status).label),
        "reported_at": incident.reported_at.isoformat(),
    }


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
            **report_item(incident),
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

"""Reads of SPM data for pages and the API (figures: spm/calculations.py)."""

from datetime import date

from django.db.models import Q, Sum
from django.utils import timezone

from incidents.models import Status

from .aggregates import StatMonthly
from .models import Activity, Budget, Milestone, Signatory, Target, TeamDecree


def targets_list(*, year: int | None = None, service: str | None = None):
    qs = Target.objects.select_related("service", "kecamatan", "updated_by").order_by(
        "-year", "service__sort_order", "kecamatan_id", "hazard"
    )
    if year:
        qs = qs.filter(year=year)
    if service:
        qs = qs.filter(service__code=service)
    return qs


def budgets_list(*, year: int):
    return Budget.objects.filter(year=year).select_related("service", "updated_by").order_by("service__sort_order")


def activities_list(*, year: int | None = None, service: str | None = None, kecamatan: str | None = None):
    qs = Activity.objects.select_related("service", "desa", "kecamatan")
    if year:
        qs = qs.filter(date__year=year)
    if service:
        qs = qs.filter(service__code=service)
    if kecamatan:
        qs = qs.filter(kecamatan_id=kecamatan)
    return qs


def milestones_list() -> list[Milestone]:
    """Action plan with a `late` flag: due date passed and not finished."""
    today = timezone.localdate()
    rows = list(Milestone.objects.select_related("updated_by"))
    for m in rows:
        m.late = bool(m.due_date and m.due_date < today and m.status != Milestone.State.SELESAI)
    return rows


def month_counts_by_category(*, month: date) -> dict[int, int]:
    """Reports received in a month (WIB) per category id, all statuses but
    duplicates and rejected: the home page figure, read from the monthly rollup
    instead of the reports table (provided to the slot
    incidents.signals.month_counts_by_category in SpmConfig.ready)."""
    rows = (
        StatMonthly.objects.filter(month=month)
        .exclude(status__in=(Status.DUPLIKAT, Status.DITOLAK))
        .values("category_id")
        .annotate(total=Sum("n"))
        .values_list("category_id", "total")
    )
    return {category: total for category, total in rows if total}


def current_decree(*, on: date) -> TeamDecree | None:
    """The SK Tim Efektif in force on a day (the latest that started, when two overlap)."""
    return (
        TeamDecree.objects.filter(valid_from__lte=on)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=on))
        .order_by("-valid_from", "-id")
        .first()
    )


def signatories() -> dict[str, Signatory | None]:
    """The active signatory of each role (None where nobody is recorded)."""
    out: dict[str, Signatory | None] = dict.fromkeys(Signatory.Role.values)
    for row in Signatory.objects.filter(active=True):
        out[row.role] = row
    return out

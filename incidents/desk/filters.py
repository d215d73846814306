"""Filters of the desk queue, the staff API list and the exports."""

from datetime import datetime, time

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime

from incidents.models import Assignment, Incident, Status

# Filters shared by the staff list API and the desk queue.
FILTER_FIELDS = (
    "status",
    "category",
    "kecamatan",
    "desa",
    "agency",
    "priority",
    "overdue",
    "assignment_requested",
    "q",
    "created_after",
    "created_before",
)


class FilterError(ValueError):
    def __init__(self, errors: dict):
        self.errors = errors
        super().__init__(str(errors))


def _as_list(value):
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        items = value
    else:
        items = str(value).split(",")
    return [str(v).strip() for v in items if str(v).strip()]


def _as_bound(value, *, end=False):
    value = str(value).strip()
    dt = parse_datetime(value) if "T" in value or " " in value else None
    if dt is None:
        d = parse_date(value)
        if d is None:
            raise ValueError
        dt = datetime.combine(d, time.max if end else time.min)
    if timezone.is_naive(dt):
        dt = timezone.make_aware(dt)
    return dt


def incidents_filter(queryset: QuerySet[Incident], params, *, now=None) -> QuerySet[Incident]:
    """Apply the list filters (a dict or QueryDict). Raises FilterError with
    Indonesian messages for values that cannot be understood."""
    from django.utils.translation import gettext as _

    def get(name):
        if hasattr(params, "getlist"):
            values = params.getlist(name)
            return values if len(values) > 1 else (values[0] if values else None)
        return params.get(name)

    errors = {}
    for name in FILTER_FIELDS:
        value = get(name)
        values = value if isinstance(value, (list, tuple)) else [value]
        if any("\x00" in str(v) for v in values if v is not None):
            errors[name] = [_("Berisi karakter yang tidak diizinkan.")]
    if errors:
        raise FilterError(errors)
    statuses = _as_list(get("status"))
    if statuses:
        unknown = [s for s in statuses if s not in Status.values]
        if unknown:
            errors["status"] = [_("Status tidak dikenal: %(v)s.") % {"v": ", ".join(unknown)}]
        else:
            queryset = queryset.filter(status__in=statuses)
    for name, lookup in (
        ("category", "category__code__in"),
        ("kecamatan", "kecamatan_id__in"),
        ("desa", "desa_id__in"),
    ):
        values = _as_list(get(name))
        if values:
            queryset = queryset.filter(**{lookup: values})
    agencies = _as_list(get("agency"))
    if agencies:
        queryset = queryset.filter(
            Exists(Assignment.objects.filter(incident_id=OuterRef("pk"), agency__code__in=agencies))
        )
    priorities = _as_list(get("priority"))
    if priorities:
        try:
            queryset = queryset.filter(priority__in=[int(p) for p in priorities])
        except ValueError:
            errors["priority"] = [_("Prioritas harus berupa angka 1-4.")]
    overdue = get("overdue")
    if overdue not in (None, ""):
        flag = str(overdue).lower()
        now = now or timezone.now()
        if flag in ("1", "true", "ya", "yes", "on"):
            queryset = queryset.filter(due_at__lt=now)
        elif flag in ("0", "false", "tidak", "no", "off"):
            queryset = queryset.filter(Q(due_at__isnull=True) | Q(due_at__gte=now))
        else:
            errors["overdue"] = [_("Nilai 'overdue' harus true atau false.")]
    requested = get("assignment_requested")
    if requested not in (None, ""):
        flag = str(requested).lower()
        # A pending request for an assignment (incidents.workflow.assignment_request).
        if flag in ("1", "true", "ya", "yes", "on"):
            queryset = queryset.filter(assignment_requested_at__isnull=False)
        elif flag in ("0", "false", "tidak", "no", "off"):
            queryset = queryset.filter(assignment_requested_at__isnull=True)
        else:
            errors["assignment_requested"] = [_("Nilai 'assignment_requested' harus true atau false.")]
    q = get("q")
    q = (q[0] if isinstance(q, list) else (q or "")).strip()
    if q:
        q = q[:100]
        from incidents.intake.tracking import normalize_tracking_code

        condition = Q(title__icontains=q) | Q(description__icontains=q) | Q(location_detail__icontains=q)
        condition |= Q(desa__name__icontains=q)
        try:
            code = normalize_tracking_code(q)
        except Exception:
            code = None
        if code:
            condition |= Q(tracking_code=code)
        queryset = queryset.filter(condition)
    for name, lookup, end in (("created_after", "created_at__gte", False), ("created_before", "created_at__lte", True)):
        value = get(name)
        if value in (None, ""):
            continue
        try:
            queryset = queryset.filter(**{lookup: _as_bound(value, end=end)})
        except (ValueError, TypeError):
            errors[name] = [_("Tanggal tidak valid (gunakan format YYYY-MM-DD).")]
    if errors:
        raise FilterError(errors)
    return queryset

"""Reads of reports for staff. `incidents_visible_to` is THE access rule:
every page, API answer, count, map layer and export filters through it."""

from datetime import datetime, time

from django.conf import settings
from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone, translation
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from .models import Assignment, Channel, EventKind, Incident, IncidentEvent, Status
from .permissions import MITRA, PETUGAS, READ_ALL_ROLES, _access


def incidents_visible_to(user) -> QuerySet[Incident]:
    """Reports the user may see: koordinator, tim_efektif, pimpinan and
    superusers all; petugas those of their kecamatan; mitra those assigned to
    their agency; everybody else none."""
    access = _access(user)
    roles = access["roles"]
    qs = Incident.objects.all()
    if not roles:
        return qs.none()
    if roles & READ_ALL_ROLES:
        return qs
    condition = Q(pk__in=[])
    if PETUGAS in roles and access["kecamatan"]:
        condition |= Q(kecamatan_id__in=sorted(access["kecamatan"]))
    if MITRA in roles and access["agency_id"] is not None:
        condition |= Q(Exists(Assignment.objects.filter(incident_id=OuterRef("pk"), agency_id=access["agency_id"])))
    return qs.filter(condition)


def _int_pk(pk):
    try:
        value = int(str(pk))
    except (TypeError, ValueError):
        raise Http404
    if value <= 0 or value > 2**63 - 1:
        raise Http404
    return value


def incident_get_for_user(user, pk, *, for_detail=True) -> Incident:
    """The report with id `pk` if the user may see it, else Http404."""
    qs = incidents_visible_to(user).filter(pk=_int_pk(pk))
    if for_detail:
        qs = (
            qs.select_related("category", "kecamatan", "desa", "duplicate_of", "created_by")
            .defer("kecamatan__boundary", "desa__boundary")
            .prefetch_related(
                Prefetch(
                    "assignments", queryset=Assignment.objects.select_related("agency", "assigned_by", "completed_by")
                ),
                "photos",
            )
        )
    incident = qs.first()
    if incident is None:
        raise Http404
    return incident


def incident_find_for_user(user, ref) -> Incident | None:
    """A report by id or tracking code among those the user may see."""
    from .tracking import normalize_tracking_code

    qs = incidents_visible_to(user)
    ref = str(ref or "").strip()
    if not ref:
        return None
    if ref.isdigit():
        found = qs.filter(pk=int(ref)).first() if len(ref) < 19 else None
        if found is not None:
            return found
    try:
        code = normalize_tracking_code(ref)
    except Exception:  # a malformed code simply matches nothing
        return None
    if not code:
        return None
    return qs.filter(tracking_code=code).first()


def public_events(incident: Incident) -> list[IncidentEvent]:
    """What the citizen's tracking page shows: public events, plus every status
    change (the citizen always learns the new status; an internal note of a
    status change is withheld)."""
    events = []
    for event in incident.events.filter(Q(public=True) | Q(kind="transition")).order_by("created_at", "id"):
        if not event.public:
            event.note = ""
        elif event.kind == EventKind.CREATED:
            event.note = _received_note(event.note)
        event.actor_label = ""
        events.append(event)
    return events


RECEIVED_NOTE = gettext_noop("Laporan diterima melalui %(channel)s.")


def _received_note(note: str) -> str:
    """The note incident_create stores in Bahasa Indonesia, worded again in
    the reader's language; a note someone wrote stays as written."""
    with translation.override(settings.LANGUAGE_CODE):
        stored = {_(RECEIVED_NOTE) % {"channel": str(label)}: code for code, label in Channel.choices}
    code = stored.get(note)
    return note if code is None else _(RECEIVED_NOTE) % {"channel": Channel(code).label}


def events_for_user(user, incident: Incident) -> QuerySet[IncidentEvent]:
    """The history staff see: internal events included (they already passed
    the visibility rule for this report)."""
    if not _access(user)["roles"]:
        return IncidentEvent.objects.none()
    return incident.events.select_related("actor").order_by("created_at", "id")


# Filters shared by the staff list API and the desk queue.
FILTER_FIELDS = (
    "status",
    "category",
    "kecamatan",
    "desa",
    "agency",
    "priority",
    "overdue",
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
    q = get("q")
    q = (q[0] if isinstance(q, list) else (q or "")).strip()
    if q:
        q = q[:100]
        from .tracking import normalize_tracking_code

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


__all__ = [
    "FilterError",
    "events_for_user",
    "incident_find_for_user",
    "incident_get_for_user",
    "incidents_filter",
    "incidents_visible_to",
    "public_events",
]

"""Reads for the public side (citizen pages and the public API).

Nothing here ever returns the reporter's identity or contact, or internal
notes. Reports stay off the public map while they are new (not yet checked
by an officer), when rejected or duplicates, and when the reporter asked.
"""

from datetime import datetime

from django.conf import settings
from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from incidents import signals
from incidents.intake.services import RECEIVED_NOTE
from incidents.models import OPEN_STATUSES, Category, Channel, EventKind, Incident, IncidentEvent, Status
from incidents.reference import geo

PUBLIC_MAP_STATUSES = (Status.DIVERIFIKASI, Status.DITANGANI, Status.SELESAI)


def public_map_incidents(*, extra_fields=()):
    """`extra_fields`: more columns a public reader needs (Open311 adds its dates)."""
    return (
        Incident.objects.filter(confidential=False, status__in=PUBLIC_MAP_STATUSES)
        .select_related("category", "desa", "kecamatan")
        .only(
            "id",
            "lat",
            "lng",
            "confidential",
            "status",
            "created_at",
            "category__code",
            "category__name",
            "category__name_en",
            "category__group",
            "desa__code",
            "desa__name",
            "desa__lat",
            "desa__lng",
            "kecamatan__code",
            "kecamatan__name",
            *extra_fields,
        )
        .order_by("-created_at", "-id")
    )


def public_points(incidents) -> dict:
    """{incident pk: (lat, lng, approximate)}: where the public may see each report
    (the rule: `public_places`)."""
    incidents = list(incidents)
    places = public_places(
        [(i.lat, i.lng, i.desa_id, i.confidential or i.category.is_conflict) for i in incidents],
        {i.desa_id: (i.desa.lat, i.desa.lng) for i in incidents},
    )
    return {i.pk: place for i, place in zip(incidents, places, strict=True)}


def public_places(rows, desa_centres: dict) -> list[tuple[float, float, bool]]:
    """For each (lat, lng, desa code, withheld): (lat, lng, approximate), where the public may see it.

    The exact point only when the reporter gave one, the report is neither a
    conflict nor confidential (`withheld`), and the point lies in the report's
    own desa (a report moved to another desa, or a point the intake could not
    check, is shown at its desa's centre instead of somewhere it is not)."""
    candidates = [
        i for i, (lat, lng, _desa, withheld) in enumerate(rows) if not (withheld or lat is None or lng is None)
    ]
    inside = geo.points_lie_in_desa([rows[i][:3] for i in candidates])
    exact = {i for i, ok in zip(candidates, inside, strict=True) if ok}
    places = []
    for i, (lat, lng, desa, _withheld) in enumerate(rows):
        places.append((lat, lng, False) if i in exact else (*desa_centres[desa], True))
    return places


def public_point(incident) -> tuple[float, float, bool]:
    return public_points([incident])[incident.pk]


def month_range(now: datetime | None = None):
    now = timezone.localtime(now or timezone.now())
    start = now.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    end = start.replace(year=start.year + 1, month=1) if start.month == 12 else start.replace(month=start.month + 1)
    return start, end


def category_counts_for_month(now: datetime | None = None) -> list[dict]:
    """Reports received this month per category (all statuses but duplicates and rejected).

    Read from the slot signals.month_counts_by_category when another app fills
    it (the SPM monthly rollup in this project), else counted from the reports
    table."""
    start, end = month_range(now)
    source = signals.month_counts_by_category.function
    counts = source(month=start.date()) if source else _month_counts_from_reports(start, end)
    return [{"category": c, "count": counts.get(c.id, 0)} for c in Category.objects.filter(active=True)]


def _month_counts_from_reports(start: datetime, end: datetime) -> dict[int, int]:
    return dict(
        Incident.objects.filter(created_at__gte=start, created_at__lt=end)
        .exclude(status__in=(Status.DUPLIKAT, Status.DITOLAK))
        .values_list("category_id")
        .annotate(n=Count("id"))
        .values_list("category_id", "n")
    )


def original_status(incident) -> str | None:
    """For a duplicate: the status of the report it was joined to. That is all
    its reporter may know of it: the original's tracking code would open the
    original's own page (title, timeline, point), which is its reporter's."""
    if incident.status != Status.DUPLIKAT or incident.duplicate_of_id is None:
        return None
    return Incident.objects.filter(pk=incident.duplicate_of_id).values_list("status", flat=True).first()


def public_events(incident: Incident) -> list[IncidentEvent]:
    """What the citizen's tracking page shows: public events, plus every status
    change (the citizen always learns the new status; an internal note of a
    status change is withheld)."""
    events = []
    for event in incident.events.filter(Q(public=True) | Q(kind=EventKind.TRANSITION)).order_by("created_at", "id"):
        if not event.public:
            event.note = ""
        elif event.kind == EventKind.CREATED:
            event.note = note_for_reader(event.note)
        event.actor_label = ""
        events.append(event)
    return events


def public_handling(incident) -> dict:
    """Who has the report and by when its next step is due, as the tracking page says it.

    The agencies still working on it (all assigned ones once it is closed);
    the deadline of the current step (checking while new, follow-up while
    verified or in hand), none once closed."""
    assignments = list(incident.assignments.select_related("agency").order_by("assigned_at", "id"))
    working = [a for a in assignments if a.completed_at is None]
    is_open = incident.status in OPEN_STATUSES
    due = incident.due_at if is_open else None
    return {
        "agencies": [a.agency for a in (working if is_open and working else assignments)],
        "with_desk": is_open and not working,
        "due_at": due,
        "due_step": "verify" if incident.status == Status.BARU else "followup",
        "overdue": due is not None and due < timezone.now(),
    }


def public_notes(incident) -> QuerySet[IncidentEvent]:
    """The notes the public may read of a report, newest first: every public
    event with a note, the intake's received note included. `incident` is a
    report or OuterRef("pk") (for a subquery over a page of reports)."""
    return IncidentEvent.objects.filter(incident=incident, public=True).exclude(note="").order_by("-created_at", "-id")


def last_public_note(incident) -> str:
    """The last note the public may read of a report, in the reader's
    language ("" when there is none): what /lacak/ shows last, CEK answers and
    Open311 carries as status_notes."""
    note = public_notes(incident).values_list("note", flat=True).first()
    return note_for_reader(note) if note else ""


def last_public_note_subquery() -> Subquery:
    """last_public_note for each report of a queryset, as one subquery (the
    stored wording: pass it through note_for_reader when shown)."""
    return Subquery(public_notes(OuterRef("pk")).values("note")[:1])


def note_for_reader(note: str) -> str:
    """The note the intake stores in Bahasa Indonesia, worded again in the
    reader's language; a note someone wrote stays as written."""
    with translation.override(settings.LANGUAGE_CODE):
        stored = {_(RECEIVED_NOTE) % {"channel": str(label)}: code for code, label in Channel.choices}
    code = stored.get(note)
    return note if code is None else _(RECEIVED_NOTE) % {"channel": Channel(code).label}

"""The history a citizen sees of a report."""

from django.db.models import Q

from incidents.models import Incident, IncidentEvent


def public_events(incident: Incident) -> list[IncidentEvent]:
    """What the citizen's tracking page shows: public events, plus every status
    change (the citizen always learns the new status; an internal note of a
    status change is withheld)."""
    events = []
    for event in incident.events.filter(Q(public=True) | Q(kind="transition")).order_by("created_at", "id"):
        if not event.public:
            event.note = ""
        event.actor_label = ""
        events.append(event)
    return events

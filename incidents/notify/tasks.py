"""Report notifications: who hears about a report, and what they read.

The outbox relay publishes these with the outbox row id as the task id;
that id keys every message they write to the outbound ledger (one row per
recipient, kitaaman/outbound.py), so a task run twice records each message
once. Sending, claiming and retrying are the ledger's task's.

Thin tasks: primary keys in, recipients resolved now, one ledger call.
"""

import uuid

from incidents.models import Assignment, EventKind, Incident, IncidentEvent
from incidents.notify.messages import (
    messages_assignment,
    messages_assignment_request,
    messages_incident_created,
    messages_status_change,
)
from kitaaman.models import OutboundMessage
from kitaaman.outbound import outbound_enqueue
from kitaaman.task_names import task
from kitaaman.tasks import DELIVERY_TASK

Kind = OutboundMessage.Kind
OLD_MODULE = "incidents.tasks_notify"


def _message_id(request, name, **kwargs):
    if request.id:
        return request.id
    # Called directly (no task id): a stable id still makes a second call a no-op.
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"kitaaman:{name}:{sorted(kwargs.items())}"))


def delivery_task(fun):
    """A notification task, named after its function in this module and still
    answering to its name in the module it came from."""
    return task(name=f"{__name__}.{fun.__name__}", old_names=(f"{OLD_MODULE}.{fun.__name__}",), **DELIVERY_TASK)(fun)


def _deliver(task_, rows, *, kind, messages, **key) -> int | None:
    """Records the messages about the first of `rows` (an incident, an
    assignment or an event) in the outbound ledger, once per task run id;
    nothing when the row is gone since the task was queued."""
    found = rows.first()
    if found is None:
        return None
    incident_id = found.pk if isinstance(found, Incident) else found.incident_id
    return outbound_enqueue(
        message_id=_message_id(task_.request, str(kind), **key),
        kind=kind,
        messages=messages(found),
        incident_id=incident_id,
    )


def _events(incident_id: int, event_id: int, *related: str, **filters):
    """The event of the report, with the report's fields that its messages name."""
    return IncidentEvent.objects.select_related("incident__category", "incident__desa", *related).filter(
        pk=event_id, incident_id=incident_id, **filters
    )


def _about_event(build):
    """A message builder for (incident, event), called with the event alone."""
    return lambda event: build(event.incident, event)


@delivery_task
def deliver_incident_created(self, incident_id: int):
    return _deliver(
        self,
        Incident.objects.select_related("category", "desa", "kecamatan").filter(pk=incident_id),
        kind=Kind.INCIDENT_CREATED,
        messages=messages_incident_created,
        incident=incident_id,
    )


@delivery_task
def deliver_assignment(self, assignment_id: int):
    return _deliver(
        self,
        Assignment.objects.select_related(
            "agency", "incident__category", "incident__desa", "incident__kecamatan"
        ).filter(pk=assignment_id),
        kind=Kind.ASSIGNMENT,
        messages=messages_assignment,
        assignment=assignment_id,
    )


@delivery_task
def deliver_status_change(self, incident_id: int, event_id: int):
    events = _events(incident_id, event_id, "incident__duplicate_of")
    return _deliver(
        self, events, kind=Kind.STATUS_CHANGE, messages=_about_event(messages_status_change), event=event_id
    )


@delivery_task
def deliver_assignment_request(self, incident_id: int, event_id: int):
    events = _events(incident_id, event_id, "incident__kecamatan", kind=EventKind.ASSIGNMENT_REQUEST)
    build = _about_event(messages_assignment_request)
    return _deliver(self, events, kind=Kind.ASSIGNMENT_REQUEST, messages=build, event=event_id)

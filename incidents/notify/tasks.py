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


def _record(task_, *, kind, messages, incident_id, **key) -> int:
    return outbound_enqueue(
        message_id=_message_id(task_.request, str(kind), **key), kind=kind, messages=messages, incident_id=incident_id
    )


@task(
    name="incidents.notify.tasks.deliver_incident_created",
    old_names=(f"{OLD_MODULE}.deliver_incident_created",),
    **DELIVERY_TASK,
)
def deliver_incident_created(self, incident_id: int):
    incident = Incident.objects.select_related("category", "desa", "kecamatan").filter(pk=incident_id).first()
    if incident is None:
        return None
    return _record(
        self,
        kind=Kind.INCIDENT_CREATED,
        messages=messages_incident_created(incident),
        incident_id=incident.pk,
        incident=incident_id,
    )


@task(
    name="incidents.notify.tasks.deliver_assignment", old_names=(f"{OLD_MODULE}.deliver_assignment",), **DELIVERY_TASK
)
def deliver_assignment(self, assignment_id: int):
    assignment = (
        Assignment.objects.select_related("agency", "incident__category", "incident__desa", "incident__kecamatan")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None:
        return None
    return _record(
        self,
        kind=Kind.ASSIGNMENT,
        messages=messages_assignment(assignment),
        incident_id=assignment.incident_id,
        assignment=assignment_id,
    )


@task(
    name="incidents.notify.tasks.deliver_status_change",
    old_names=(f"{OLD_MODULE}.deliver_status_change",),
    **DELIVERY_TASK,
)
def deliver_status_change(self, incident_id: int, event_id: int):
    event = (
        IncidentEvent.objects.select_related("incident__category", "incident__desa", "incident__duplicate_of")
        .filter(pk=event_id, incident_id=incident_id)
        .first()
    )
    if event is None:
        return None
    return _record(
        self,
        kind=Kind.STATUS_CHANGE,
        messages=messages_status_change(event.incident, event),
        incident_id=incident_id,
        event=event_id,
    )


@task(
    name="incidents.notify.tasks.deliver_assignment_request",
    old_names=(f"{OLD_MODULE}.deliver_assignment_request",),
    **DELIVERY_TASK,
)
def deliver_assignment_request(self, incident_id: int, event_id: int):
    event = (
        IncidentEvent.objects.select_related("incident__category", "incident__desa", "incident__kecamatan")
        .filter(pk=event_id, incident_id=incident_id, kind=EventKind.ASSIGNMENT_REQUEST)
        .first()
    )
    if event is None:
        return None
    return _record(
        self,
        kind=Kind.ASSIGNMENT_REQUEST,
        messages=messages_assignment_request(event.incident, event),
        incident_id=incident_id,
        event=event_id,
    )

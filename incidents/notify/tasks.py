"""Delivery of report notifications. The outbox relay publishes these with the
outbox row id as the task id; that id keys every delivery row, so a task run
twice (redelivery, retry, a second relay) sends each message once.

Thin tasks: primary keys in, recipients resolved now, one delivery call.
"""

import uuid

from celery import shared_task
from django.db import InterfaceError, OperationalError

from incidents.models import Assignment, Incident, IncidentEvent
from incidents.notify.messages import messages_assignment, messages_incident_created, messages_status_change
from kitaaman.delivery import TransientDeliveryError, deliver

NOTIFY_MAX_RETRIES = 5


def retry_countdown(retries: int) -> int:
    # 1, 2, 4, 8, 16 minutes: well under the broker's visibility timeout.
    return min(60 * 2**retries, 30 * 60)


def _message_id(task, name, **kwargs):
    if task.request.id:
        return task.request.id
    # Called directly (no task id): a stable id still makes a second call a no-op.
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"kitaaman:{name}:{sorted(kwargs.items())}"))


def _run(task, *, kind, messages, incident_id, **key):
    request = task.request
    # Eagerly (no broker) a retry would run at once inside the request; let the
    # outbox retry the message later instead.
    final = not request.is_eager and request.retries >= task.max_retries
    try:
        return deliver(
            message_id=_message_id(task, kind, **key),
            kind=kind,
            messages=messages,
            incident_id=incident_id,
            final_attempt=final,
        )
    except TransientDeliveryError as exc:
        if request.is_eager:
            raise
        raise task.retry(exc=exc, countdown=exc.retry_after or retry_countdown(request.retries))


# Options of every task that delivers messages to people (here and in incidents.channels).
TASK_OPTIONS = {
    "bind": True,
    "acks_late": True,
    "reject_on_worker_lost": True,
    "ignore_result": True,
    "max_retries": NOTIFY_MAX_RETRIES,
    # A database that blips is transient too.
    "autoretry_for": (OperationalError, InterfaceError),
    "retry_backoff": 30,
    "retry_backoff_max": 30 * 60,
}


@shared_task(name="incidents.tasks_notify.deliver_incident_created", **TASK_OPTIONS)
def deliver_incident_created(self, incident_id: int):

    incident = Incident.objects.select_related("category", "desa", "kecamatan").filter(pk=incident_id).first()
    if incident is None:
        return None
    return _run(
        self,
        kind="incident_created",
        messages=messages_incident_created(incident),
        incident_id=incident.pk,
        incident=incident_id,
    )


@shared_task(name="incidents.tasks_notify.deliver_assignment", **TASK_OPTIONS)
def deliver_assignment(self, assignment_id: int):

    assignment = (
        Assignment.objects.select_related("agency", "incident__category", "incident__desa", "incident__kecamatan")
        .filter(pk=assignment_id)
        .first()
    )
    if assignment is None:
        return None
    return _run(
        self,
        kind="assignment",
        messages=messages_assignment(assignment),
        incident_id=assignment.incident_id,
        assignment=assignment_id,
    )


@shared_task(name="incidents.tasks_notify.deliver_status_change", **TASK_OPTIONS)
def deliver_status_change(self, incident_id: int, event_id: int):

    event = (
        IncidentEvent.objects.select_related("incident__category", "incident__desa", "incident__duplicate_of")
        .filter(pk=event_id, incident_id=incident_id)
        .first()
    )
    if event is None:
        return None
    return _run(
        self,
        kind="status_change",
        messages=messages_status_change(event.incident, event),
        incident_id=incident_id,
        event=event_id,
    )


@shared_task(name="incidents.tasks_notify.deliver_assignment_request", **TASK_OPTIONS)
def deliver_assignment_request(self, incident_id: int, event_id: int):
    from incidents.models import EventKind, IncidentEvent
    from incidents.notify.messages import messages_assignment_request

    event = (
        IncidentEvent.objects.select_related("incident__category", "incident__desa", "incident__kecamatan")
        .filter(pk=event_id, incident_id=incident_id, kind=EventKind.ASSIGNMENT_REQUEST)
        .first()
    )
    if event is None:
        return None
    return _run(
        self,
        kind="assignment_request",
        messages=messages_assignment_request(event.incident, event),
        incident_id=incident_id,
        event=event_id,
    )

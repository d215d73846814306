"""Transactional outbox: requests never publish to the broker directly.

`outbox_enqueue` writes a row inside the caller's transaction. `outbox_relay`
publishes due rows (SELECT ... FOR UPDATE SKIP LOCKED, so several relays can
run side by side) with the row id as task id. When Celery runs eagerly (no
broker) the relay runs right after commit, so a laptop needs no beat.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_PUBLISH_ATTEMPTS = 20
CLAIM_FOR = timedelta(minutes=10)


def outbox_enqueue(*, task_name: str, kwargs: dict, publish_on_commit: bool = False) -> OutboxMessage:
    """Write a task to publish (inside the caller's transaction). With
    publish_on_commit (for callers in a worker, never in a request) the row
    is published right after the commit instead of at the relay's next run;
    a broker that is down then leaves it to the relay."""
    message = OutboxMessage.objects.create(task_name=task_name, kwargs=kwargs)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        # robust: a failure here is logged, never turned into an error for a request that already committed.
        transaction.on_commit(lambda: outbox_relay(limit=100), robust=True)
    elif publish_on_commit:
        transaction.on_commit(lambda: outbox_publish(message.pk), robust=True)
    return message


def outbox_publish(pk) -> bool:
    """Publish one pending row now (the relay's work for a single row)."""
    from .celery import app

    with transaction.atomic():
        qs = OutboxMessage.objects.filter(pk=pk, state=OutboxMessage.State.PENDING)
        if connection.features.has_select_for_update_skip_locked:
            qs = qs.select_for_update(skip_locked=True)
        message = qs.first()
        if message is None:
            return False
        message.attempts += 1
        try:
            app.send_task(message.task_name, kwargs=message.kwargs, task_id=str(message.id))
        except Exception as exc:
            _backoff(message, exc)
            return False
        _mark_sent(message)
    return True


def _locked_batch(limit):
    qs = OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING, available_at__lte=timezone.now()).order_by(
        "available_at"
    )
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True)
    return list(qs[:limit])


def _backoff(message, exc):
    logger.warning("outbox: %s not published: %s", message.id, exc)
    message.last_error = f"{type(exc).__name__}: {exc}"[:2000]
    message.available_at = timezone.now() + timedelta(seconds=min(2**message.attempts, 600))
    if message.attempts >= MAX_PUBLISH_ATTEMPTS:
        message.state = OutboxMessage.State.FAILED
    message.save(update_fields=["attempts", "last_error", "available_at", "state"])


def _mark_sent(message):
    message.state = OutboxMessage.State.SENT
    message.sent_at = timezone.now()
    message.save(update_fields=["attempts", "state", "sent_at"])


def outbox_relay(*, limit: int = 500) -> int:
    """Publish pending messages; returns how many were handed to the broker
    (or, without a broker, run in-process)."""
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return _relay_eager(limit)
    from .celery import app

    sent = 0
    with transaction.atomic():
        for message in _locked_batch(limit):
            message.attempts += 1
            try:
                app.send_task(message.task_name, kwargs=message.kwargs, task_id=str(message.id))
            except Exception as exc:
                _backoff(message, exc)
                # The broker is unreachable: the other rows would only wait out
                # the same socket timeout one by one.
                break
            _mark_sent(message)
            sent += 1
    return sent


def _relay_eager(limit: int) -> int:
    """Run due messages in this process, each outside the relay's own
    transaction: a task that fails half-way keeps what it recorded (which
    recipients already got their mail) for its next run."""
    from .celery import app

    # Autodiscovery is lazy; the task modules must be imported to run them here.
    app.loader.import_default_modules()
    now = timezone.now()
    due = OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING, available_at__lte=now)
    sent = 0
    for pk in list(due.order_by("available_at").values_list("pk", flat=True)[:limit]):
        # Claim by pushing the row out of reach of a concurrent relay.
        if not due.filter(pk=pk).update(available_at=now + CLAIM_FOR, attempts=F("attempts") + 1):
            continue
        message = OutboxMessage.objects.get(pk=pk)
        try:
            app.tasks[message.task_name].apply(kwargs=message.kwargs, task_id=str(message.id), throw=True)
        except Exception as exc:
            _backoff(message, exc)
            continue
        _mark_sent(message)
        sent += 1
    return sent

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
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

MAX_PUBLISH_ATTEMPTS = 20


def outbox_enqueue(*, task_name: str, kwargs: dict) -> OutboxMessage:
    message = OutboxMessage.objects.create(task_name=task_name, kwargs=kwargs)
    if settings.CELERY_TASK_ALWAYS_EAGER:
        transaction.on_commit(lambda: outbox_relay(limit=100))
    return message


def _locked_batch(limit):
    qs = OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING, available_at__lte=timezone.now()).order_by(
        "available_at"
    )
    if connection.features.has_select_for_update_skip_locked:
        qs = qs.select_for_update(skip_locked=True)
    return list(qs[:limit])


def outbox_relay(*, limit: int = 500) -> int:
    """Publish pending messages; returns how many were handed to the broker."""
    from .celery import app

    sent = 0
    with transaction.atomic():
        for message in _locked_batch(limit):
            message.attempts += 1
            try:
                app.send_task(message.task_name, kwargs=message.kwargs, task_id=str(message.id)) if not (
                    settings.CELERY_TASK_ALWAYS_EAGER
                ) else _run_eager(message)
            except Exception as exc:  # broker down or the task failed eagerly: retry later
                logger.warning("outbox: %s not published: %s", message.id, exc)
                message.last_error = str(exc)[:2000]
                delay = min(2 ** message.attempts, 600)
                message.available_at = timezone.now() + timedelta(seconds=delay)
                if message.attempts >= MAX_PUBLISH_ATTEMPTS:
                    message.state = OutboxMessage.State.FAILED
                message.save(update_fields=["attempts", "last_error", "available_at", "state"])
                continue
            message.state = OutboxMessage.State.SENT
            message.sent_at = timezone.now()
            message.save(update_fields=["attempts", "state", "sent_at"])
            sent += 1
    return sent


def _run_eager(message):
    from .celery import app

    task = app.tasks[message.task_name]
    task.apply(kwargs=message.kwargs, task_id=str(message.id), throw=True)

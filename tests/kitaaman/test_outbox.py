"""The transactional outbox: rows live and die with the caller's transaction;
the relay publishes with the row id as task id and survives a dead broker."""

import socket
import uuid
from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone

from kitaaman.celery import app
from kitaaman.models import OutboxMessage
from kitaaman.outbox import MAX_PUBLISH_ATTEMPTS, outbox_enqueue, outbox_relay

pytestmark = pytest.mark.django_db


@pytest.fixture
def broker(settings, monkeypatch):
    """Non-eager relay with a recording publisher."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    published = []

    def send_task(name, kwargs=None, task_id=None, **options):
        published.append((name, kwargs, task_id))

    monkeypatch.setattr(app, "send_task", send_task)
    return published


def test_a_rolled_back_change_leaves_no_message(broker):
    with pytest.raises(RuntimeError):
        with transaction.atomic():
            outbox_enqueue(task_name="kitaaman.tasks.outbox_relay", kwargs={})
            raise RuntimeError("the report failed to save")
    assert not OutboxMessage.objects.exists()


def test_relay_publishes_with_the_row_id_as_task_id(broker):
    message = outbox_enqueue(task_name="incidents.notify.tasks.deliver_assignment", kwargs={"assignment_id": 7})
    assert outbox_relay() == 1
    assert broker == [("incidents.notify.tasks.deliver_assignment", {"assignment_id": 7}, str(message.id))]
    message.refresh_from_db()
    assert message.state == "sent" and message.sent_at is not None and message.attempts == 1
    # A second relay run finds nothing to publish.
    assert outbox_relay() == 0
    assert len(broker) == 1


def test_relay_skips_messages_not_yet_due(broker):
    outbox_enqueue(task_name="x.y", kwargs={})
    OutboxMessage.objects.update(available_at=timezone.now() + timedelta(minutes=5))
    assert outbox_relay() == 0 and broker == []


def test_broker_down_keeps_the_message_and_backs_off(settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    from tests.kitaaman.test_celery_config import broker_at

    first = outbox_enqueue(task_name="kitaaman.tasks.outbox_relay", kwargs={})
    second = outbox_enqueue(task_name="kitaaman.tasks.outbox_relay", kwargs={})
    with broker_at(f"redis://127.0.0.1:{port}/0"):
        assert outbox_relay() == 0
    rows = {m.pk: m for m in OutboxMessage.objects.all()}
    tried = [m for m in rows.values() if m.attempts == 1]
    # The first failure ends the batch: one row tried, the other untouched.
    assert len(tried) == 1 and {first.pk, second.pk} == set(rows)
    assert tried[0].state == "pending" and tried[0].last_error
    assert tried[0].available_at > timezone.now()


def test_relay_gives_up_after_bounded_attempts(settings, monkeypatch):
    settings.CELERY_TASK_ALWAYS_EAGER = False

    def down(*args, **kwargs):
        raise ConnectionError("broker down")

    monkeypatch.setattr(app, "send_task", down)
    message = outbox_enqueue(task_name="x.y", kwargs={})
    OutboxMessage.objects.filter(pk=message.pk).update(attempts=MAX_PUBLISH_ATTEMPTS - 1)
    outbox_relay()
    message.refresh_from_db()
    assert message.state == "failed" and message.attempts == MAX_PUBLISH_ATTEMPTS


def test_eager_relay_runs_the_task_in_process(django_capture_on_commit_callbacks):
    # Without a broker (a laptop) the message runs right after commit.
    with django_capture_on_commit_callbacks(execute=True):
        message = outbox_enqueue(task_name="kitaaman.tasks.outbox_relay", kwargs={})
    message.refresh_from_db()
    assert message.state == "sent"


def test_message_ids_are_uuids():
    message = outbox_enqueue(task_name="x.y", kwargs={"a": 1})
    assert isinstance(message.id, uuid.UUID)

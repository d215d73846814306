"""Celery task names say where the task lives; the names tasks had before
they moved still run (rows queued in a running installation carry them)."""

import importlib

import pytest
from django.conf import settings
from django.core import mail

from kitaaman.celery import app
from kitaaman.task_names import ALIASES

# What a running installation may still have queued under names that named
# modules that no longer exist (and the old name of the residents' answers).
OLD_NAMES = {
    "incidents.tasks_notify.deliver_incident_created": "incidents.notify.tasks.deliver_incident_created",
    "incidents.tasks_notify.deliver_assignment": "incidents.notify.tasks.deliver_assignment",
    "incidents.tasks_notify.deliver_status_change": "incidents.notify.tasks.deliver_status_change",
    "incidents.tasks_notify.deliver_assignment_request": "incidents.notify.tasks.deliver_assignment_request",
    "incidents.tasks_export.export_run": "incidents.desk.tasks.export_run",
    "incidents.tasks.sla_sweep": "incidents.workflow.tasks.sla_sweep",
    "incidents.tasks.send_escalation_notice": "incidents.workflow.tasks.send_escalation_notice",
    "incidents.privacy.retention_sweep": "incidents.privacy.tasks.retention_sweep",
    "incidents.channels.tasks.send_outbound": "kitaaman.tasks.send_outbound",
}


def registered():
    app.loader.import_default_modules()
    return {name: task for name, task in app.tasks.items() if not name.startswith("celery.")}


def test_every_task_name_names_the_module_and_function_it_lives_in():
    for name, task in registered().items():
        if name in ALIASES and name != "incidents.channels.tasks.send_outbound":
            continue  # an old name (its module is gone): checked below
        module, function = name.rsplit(".", 1)
        assert hasattr(importlib.import_module(module), function), name
        assert type(task).__module__ == module, name


def test_every_old_name_still_runs_the_task_now_named():
    tasks = registered()
    assert ALIASES == OLD_NAMES
    for old, new in OLD_NAMES.items():
        assert old in tasks and new in tasks, old
        assert tasks[old].acks_late == tasks[new].acks_late, old
        assert tasks[old].max_retries == tasks[new].max_retries, old
    # Old names are kept, not used: nothing is published or scheduled under them.
    assert not {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} & set(OLD_NAMES)
    assert {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} <= set(tasks)


@pytest.mark.django_db
def test_a_notification_queued_under_its_old_name_is_delivered(
    personas, make_incident, django_capture_on_commit_callbacks
):
    from kitaaman.models import OutboxMessage
    from tests.factories import DESA_RUPIT

    incident = make_incident("bencana-banjir", desa=DESA_RUPIT)
    OutboxMessage.objects.all().delete()  # as if queued before the rename: only the old name runs
    with django_capture_on_commit_callbacks(execute=True):
        app.tasks["incidents.tasks_notify.deliver_incident_created"].apply(
            kwargs={"incident_id": incident.pk}, task_id="44444444-4444-4444-4444-444444444444", throw=True
        )
    assert sorted(m.to[0] for m in mail.outbox) == ["koordinator@example.test", "rupit@example.test"]


@pytest.mark.django_db
def test_an_answer_queued_under_the_old_sending_task_is_sent(settings):
    from incidents.channels.outbound import Kind
    from kitaaman.models import OutboundMessage
    from kitaaman.outbound import outbound_message_enqueue
    from kitaaman.sms import LocmemSmsBackend

    settings.SMS_BACKEND = "kitaaman.sms.LocmemSmsBackend"
    LocmemSmsBackend.outbox.clear()
    answer = outbound_message_enqueue(channel="sms", recipient="+6281234567890", text="Terima kasih", kind=Kind.REPLY)
    registered()
    for _ in range(2):
        app.tasks["incidents.channels.tasks.send_outbound"].apply(kwargs={"outbound_id": str(answer.pk)}, throw=True)
    assert LocmemSmsBackend.outbox == [{"to": "+6281234567890", "text": "Terima kasih"}]
    assert OutboundMessage.objects.get(pk=answer.pk).state == "sent"
    LocmemSmsBackend.outbox.clear()
